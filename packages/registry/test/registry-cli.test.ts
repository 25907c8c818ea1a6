import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryClient } from '../src/index'
import { run, type Served, serve } from './helpers/cli'
import { uniq } from './helpers/http-suite'

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example',
  fields: [{ name: 'id', type: 'long' }],
}
const userOk = {
  ...userV1,
  fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}
const userBad = { ...userV1, fields: [...userV1.fields, { name: 'age', type: 'int' }] }

describe('kafkit registry (real binary)', { timeout: 60_000 }, () => {
  let served: Served
  let client: RegistryClient
  const dirs: string[] = []

  beforeAll(async () => {
    served = await serve(['--store', 'memory'])
    client = new RegistryClient({ url: served.url })
  })
  afterAll(async () => {
    await served?.stop()
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  const folder = async (files: Record<string, unknown>) => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-registry-check-'))
    dirs.push(dir)
    for (const [name, schema] of Object.entries(files)) {
      await mkdir(join(dir, name, '..'), { recursive: true })
      await writeFile(join(dir, name), JSON.stringify(schema, null, 2))
    }
    return dir
  }

  it('check prints OK, NEW and INCOMPATIBLE with reasons, exits 1, and changes nothing', async () => {
    const ok = uniq('ok')
    const bad = uniq('bad')
    const fresh = uniq('new')
    await client.register(`${ok}-value`, { schema: userV1 })
    await client.register(`${bad}-value`, { schema: userV1 })
    const dir = await folder({
      [`${ok}.avsc`]: userOk,
      [`${bad}.avsc`]: userBad,
      [`nested/${fresh}.avsc`]: userV1,
    })
    const before = { subjects: await client.listSubjects(), config: await client.getConfig() }

    const res = await run(['registry', 'check', dir, '--registry', served.url])
    expect(res.code).toBe(1)
    expect(res.stdout).toMatch(new RegExp(`OK\\s+${ok}-value`))
    expect(res.stdout).toMatch(new RegExp(`NEW\\s+${fresh}-value`))
    expect(res.stdout).toMatch(new RegExp(`INCOMPATIBLE\\s+${bad}-value`))
    expect(res.stdout).toContain("'age'")
    // Each reason as type, JSON pointer, message and a fix, never the old schema.
    expect(res.stdout).toContain('(BACKWARD against version 1)')
    expect(res.stdout).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE at \/fields\/1: .*'age'/)
    expect(res.stdout).toContain("fix: give the new field 'age' a default")
    expect(res.stdout).not.toContain('oldSchema')

    const json = await run(['registry', 'check', dir, '--registry', served.url, '--json'])
    expect(json.code).toBe(1)
    const results = JSON.parse(json.stdout) as Record<string, unknown>[]
    expect(results.find((r) => r.subject === `${bad}-value`)).toMatchObject({
      status: 'INCOMPATIBLE',
      version: 1,
      level: 'BACKWARD',
      reasons: [
        {
          type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          path: '/fields/1',
          message: expect.stringContaining("'age'"),
          hint: expect.stringContaining('default'),
        },
      ],
    })
    expect(json.stdout).not.toContain('oldSchema')
    expect({ subjects: await client.listSubjects(), config: await client.getConfig() }).toEqual(before)
    expect(await client.listVersions(`${ok}-value`)).toEqual([1])
  })

  it('check exits 0 when everything is OK or NEW; supports --subject mapping and the record strategy', async () => {
    const mapped = uniq('mapped')
    await client.register(mapped, { schema: userV1 })
    const dir = await folder({ 'user.avsc': userOk })
    const res = await run(['registry', 'check', dir, '--registry', served.url, '--subject', `user=${mapped}`])
    expect(res.stdout).toMatch(new RegExp(`OK\\s+${mapped}`))
    expect(res.code).toBe(0)
    const byRecord = await run([
      'registry',
      'check',
      dir,
      '--registry',
      served.url,
      '--subject-strategy',
      'record',
      '--json',
    ])
    expect(byRecord.code).toBe(0)
    const parsed = JSON.parse(byRecord.stdout) as Array<{ subject: string; status: string }>
    expect(parsed[0]?.subject).toBe('com.example.User')
  })

  it('check reads subjects from a kafkit config', async () => {
    const topic = uniq('orders')
    const dir = await folder({ 'schemas/user.avsc': userBad })
    await writeFile(
      join(dir, 'kafkit.config.json'),
      JSON.stringify({ schemas: 'schemas', topics: { [topic]: { value: 'com.example.User' } } }),
    )
    await client.register(`${topic}-value`, { schema: userV1 })
    const res = await run(['registry', 'check', dir, '--registry', served.url])
    expect(res.stdout).toMatch(new RegExp(`INCOMPATIBLE\\s+${topic}-value`))
    expect(res.code).toBe(1)
  })

  it('serve --detach returns once listening with a pid file; stop ends exactly that process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-registry-detach-'))
    dirs.push(dir)
    const pidFile = join(dir, 'registry.pid')
    const started = await run([
      'registry',
      'serve',
      '--port',
      '0',
      '--store',
      'memory',
      '--detach',
      '--pid-file',
      pidFile,
    ])
    expect(started.code, started.stderr).toBe(0)
    const { pid, url } = JSON.parse(await readFile(pidFile, 'utf8')) as { pid: number; url: string }
    try {
      expect(started.stdout).toContain(`listening on ${url} (pid ${pid}`)
      // It serves after the command returned, detached from it.
      expect(await new RegistryClient({ url }).listSubjects()).toEqual([])
      const again = await run([
        'registry',
        'serve',
        '--port',
        '0',
        '--store',
        'memory',
        '--detach',
        '--pid-file',
        pidFile,
      ])
      expect(again.code).toBe(1)
      expect(again.stderr).toContain(`already runs from ${pidFile} (pid ${pid}`)

      const stopped = await run(['registry', 'stop', '--pid-file', pidFile])
      expect(stopped.code, stopped.stderr).toBe(0)
      expect(stopped.stdout).toContain(`(pid ${pid}, ${url}) stopped`)
      expect(() => process.kill(pid, 0)).toThrow()
      expect(existsSync(pidFile)).toBe(false)
      const nothing = await run(['registry', 'stop', '--pid-file', pidFile])
      expect(nothing.code).toBe(1)
      expect(nothing.stderr).toContain('nothing to stop')
    } finally {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already stopped
      }
    }
  })

  it('check fails clearly on an unreachable registry or a missing path', async () => {
    const dir = await folder({ 'a.avsc': userV1 })
    const down = await run(['registry', 'check', dir, '--registry', 'http://127.0.0.1:1', '--json'])
    expect(down.code).toBe(1)
    expect(down.stderr).toContain('KAFKIT_REGISTRY_NETWORK_ERROR')
    const missing = await run(['registry', 'check', join(dir, 'nope'), '--registry', served.url])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('does not exist')
  })

  it('serve with a file store keeps the state across restarts', async () => {
    const data = await mkdtemp(join(tmpdir(), 'kafkit-registry-serve-'))
    dirs.push(data)
    const s = uniq()
    const first = await serve(['--store', `file:${data}`])
    const { id } = await new RegistryClient({ url: first.url }).register(s, { schema: userV1 })
    expect(await first.stop()).toBe(0)
    const second = await serve(['--store', `file:${data}`])
    try {
      const again = new RegistryClient({ url: second.url })
      expect(await again.getVersion(s, 1)).toMatchObject({ id, version: 1 })
    } finally {
      await second.stop()
    }
  })

  it('serve rejects a bad store spec with a clear message', async () => {
    const res = await run(['registry', 'serve', '--store', 'postgres'])
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('Unknown store')
  })
})
