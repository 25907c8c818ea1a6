import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryApp } from '../src/index'
import { bad, call, uniq, v1, v2 } from './helpers/http-suite'

describe('file store', { timeout: 30_000 }, () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-registry-file-'))
    dirs.push(dir)
    return dir
  }

  it('survives a restart with the same ids, versions, deletes and config', async () => {
    const dir = await tempDir()
    const s = uniq()
    const first = createRegistryApp({ store: { type: 'file', dir } })
    await first.registry.ready
    const { id: id1 } = (await call(first, 'POST', `/subjects/${s}/versions`, { schema: v1 })).body
    const { id: id2 } = (await call(first, 'POST', `/subjects/${s}/versions`, { schema: v2 })).body
    await call(first, 'DELETE', `/subjects/${s}/versions/1`)
    await call(first, 'PUT', `/config/${s}`, { compatibility: 'FULL' })
    // a rejected write changes nothing, before and after the restart
    expect((await call(first, 'POST', `/subjects/${s}/versions`, { schema: bad })).status).toBe(409)
    const before = first.registry.state.snapshot()
    await first.close()

    const second = createRegistryApp({ store: { type: 'file', dir } })
    await second.registry.ready
    try {
      expect(second.registry.state.snapshot()).toEqual(before)
      expect((await call(second, 'GET', `/subjects/${s}/versions`)).body).toEqual([2])
      expect((await call(second, 'GET', `/subjects/${s}/versions/2`)).body.id).toBe(id2)
      expect((await call(second, 'GET', `/schemas/ids/${id1}`)).status).toBe(200)
      expect((await call(second, 'GET', `/config/${s}`)).body).toEqual({ compatibilityLevel: 'FULL' })
      // new ids continue after the highest one
      const other = await call(second, 'POST', `/subjects/${uniq()}/versions`, {
        schema: JSON.stringify({ type: 'enum', name: 'E', symbols: ['A'] }),
      })
      expect(other.body.id).toBe(Math.max(id1, id2) + 1)
    } finally {
      await second.close()
    }
  })

  it('drops a torn last line left by a crash mid-write', async () => {
    const dir = await tempDir()
    const s = uniq()
    const first = createRegistryApp({ store: { type: 'file', dir } })
    await first.registry.ready
    await call(first, 'POST', `/subjects/${s}/versions`, { schema: v1 })
    await first.close()
    await appendFile(join(dir, 'registry.log'), '{"proposalId":"x","comm')
    const second = createRegistryApp({ store: { type: 'file', dir } })
    await second.registry.ready
    try {
      expect((await call(second, 'GET', `/subjects/${s}/versions`)).body).toEqual([1])
      await call(second, 'POST', `/subjects/${s}/versions`, { schema: v2 })
      const lines = (await readFile(join(dir, 'registry.log'), 'utf8')).trim().split('\n')
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
    } finally {
      await second.close()
    }
  })

  it('refuses a data dir another live process holds, and a corrupt log, with typed errors', async () => {
    const dir = await tempDir()
    const first = createRegistryApp({ store: { type: 'file', dir } })
    await first.registry.ready
    // process.ppid is alive and is not us: the lock is held by "another process".
    const { writeFile } = await import('node:fs/promises')
    await writeFile(join(dir, 'registry.lock'), String(process.ppid))
    const second = createRegistryApp({ store: { type: 'file', dir } })
    await expect(second.registry.ready).rejects.toMatchObject({ code: 'KAFKIT_REGISTRY_DATA_DIR_LOCKED' })
    expect((await call(second, 'GET', '/ready')).status).toBe(503)
    expect((await call(second, 'GET', '/subjects')).body.error_code).toBe(50003)
    await second.close()
    await first.close()

    const corrupt = await tempDir()
    await writeFile(join(corrupt, 'registry.log'), 'garbage\n{"also":"bad"}\n')
    const third = createRegistryApp({ store: { type: 'file', dir: corrupt } })
    await expect(third.registry.ready).rejects.toMatchObject({ code: 'KAFKIT_REGISTRY_LOG_CORRUPT' })
    await third.close()
  })

  it('answers 50001 when the log cannot be written', async () => {
    const dir = await tempDir()
    const app = createRegistryApp({ store: { type: 'file', dir } })
    await app.registry.ready
    try {
      // The log file is closed under the running app (as after an I/O failure).
      await app.registry.log.close()
      const res = await call(app, 'POST', `/subjects/${uniq()}/versions`, { schema: v1 })
      expect(res.status).toBe(500)
      expect(res.body.error_code).toBe(50001)
      expect(res.body.message).toContain('file log')
    } finally {
      await app.close()
    }
  })

  it('writes concurrent registers together (group commit) in order, and all of them survive a restart', async () => {
    const dir = await tempDir()
    const prefix = uniq()
    const first = createRegistryApp({ store: { type: 'file', dir } })
    await first.registry.ready
    const n = 40
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        call(first, 'POST', `/subjects/${prefix}-${i}/versions`, {
          schema: JSON.stringify({ type: 'record', name: `G${i}`, fields: [{ name: 'a', type: 'string' }] }),
        }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(n).fill(200))
    const ids = answers.map((a) => a.body.id as number)
    expect(new Set(ids).size).toBe(n)
    // The log holds one line per write, in the order the state machine applied (and numbered) them.
    const lines = (await readFile(join(dir, 'registry.log'), 'utf8')).trim().split('\n')
    expect(lines).toHaveLength(n)
    const logged = lines.map((l) => JSON.parse(l).command.subject as string)
    const byId = [...ids.keys()].sort((a, b) => ids[a]! - ids[b]!).map((i) => `${prefix}-${i}`)
    expect(logged).toEqual(byId)
    const before = first.registry.state.snapshot()
    await first.close()
    const second = createRegistryApp({ store: { type: 'file', dir } })
    await second.registry.ready
    try {
      expect(second.registry.state.snapshot()).toEqual(before)
    } finally {
      await second.close()
    }
  })

  it('answers a repeated register from the state without a log record, and still writes after a delete', async () => {
    const dir = await tempDir()
    const s = uniq()
    const app = createRegistryApp({ store: { type: 'file', dir } })
    await app.registry.ready
    const lines = async () => (await readFile(join(dir, 'registry.log'), 'utf8')).trim().split('\n').length
    try {
      const first = (await call(app, 'POST', `/subjects/${s}/versions`, { schema: v1 })).body
      const id = first.id
      for (let i = 0; i < 3; i++) {
        const again = await call(app, 'POST', `/subjects/${s}/versions`, { schema: v1 })
        expect(again.status).toBe(200)
        // The same answer apply gives (id, version, GUID, ...), without a record.
        expect(again.body).toEqual(first)
      }
      expect(await lines()).toBe(1)
      // Soft-deleted: the same schema registers again as a new version, through the log.
      await call(app, 'DELETE', `/subjects/${s}`)
      expect((await call(app, 'POST', `/subjects/${s}/versions`, { schema: v1 })).body.id).toBe(id)
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([2])
      expect(await lines()).toBe(3)
    } finally {
      await app.close()
    }
  })
})
