import { afterEach, describe, expect, it } from 'vitest'
import { createRegistryApp, type RegistryApp, RegistryClient } from '../src/index'
import { call, record, uniq } from './helpers/http-suite'

describe('Idempotency-Key: a retried write is applied once', () => {
  const apps: RegistryApp[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })
  const start = async () => {
    const app = createRegistryApp({ store: { type: 'memory' } })
    apps.push(app)
    await app.registry.ready
    return app
  }

  it('answers a retried DELETE .../versions/latest with the first answer and removes one version', async () => {
    const app = await start()
    const subject = uniq('idem')
    await call(app, 'PUT', `/config/${subject}`, { compatibility: 'NONE' })
    for (let i = 0; i < 3; i++) {
      const schema = record(`I${i}`, [{ name: 'v', type: 'int' }])
      expect((await call(app, 'POST', `/subjects/${subject}/versions`, { schema })).status).toBe(200)
    }
    const key = { 'idempotency-key': 'retry-me-1' }
    // Two copies at once (the first still in flight when the client gives up), then one after.
    const [a, b] = await Promise.all([
      call(app, 'DELETE', `/subjects/${subject}/versions/latest`, undefined, key),
      call(app, 'DELETE', `/subjects/${subject}/versions/latest`, undefined, key),
    ])
    const c = await call(app, 'DELETE', `/subjects/${subject}/versions/latest`, undefined, key)
    expect([a.status, a.body, b.status, b.body, c.status, c.body]).toEqual([200, 3, 200, 3, 200, 3])
    expect((await call(app, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2])
    // Another key (or none) is another request.
    const d = await call(app, 'DELETE', `/subjects/${subject}/versions/latest`, undefined, {
      'idempotency-key': 'retry-me-2',
    })
    expect([d.status, d.body]).toEqual([200, 2])
    expect((await call(app, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1])
  })

  it('treats the same key with another change as another request, and rejects an empty key', async () => {
    const app = await start()
    const subject = uniq('idem')
    const key = { 'idempotency-key': 'same-key' }
    const one = record('K1', [{ name: 'v', type: 'int' }])
    const two = record('K2', [{ name: 'w', type: 'int' }])
    await call(app, 'PUT', `/config/${subject}`, { compatibility: 'NONE' })
    const r1 = await call(app, 'POST', `/subjects/${subject}/versions`, { schema: one }, key)
    const r2 = await call(app, 'POST', `/subjects/${subject}/versions`, { schema: two }, key)
    expect(r1.status).toBe(200)
    expect(r2.status).toBe(200)
    expect(r2.body.id).not.toBe(r1.body.id)
    const empty = await call(app, 'DELETE', `/subjects/${subject}/versions/latest`, undefined, {
      'idempotency-key': '',
    })
    expect(empty.status).toBe(400)
    expect(empty.body.message).toMatch(/Idempotency-Key/)
  })

  it('the registry client keeps one key across its retries', async () => {
    const app = await start()
    const url = await app.listen({ port: 0, host: '127.0.0.1' })
    const subject = uniq('idem')
    await call(app, 'PUT', `/config/${subject}`, { compatibility: 'NONE' })
    for (let i = 0; i < 2; i++) {
      await call(app, 'POST', `/subjects/${subject}/versions`, {
        schema: record(`C${i}`, [{ name: 'v', type: 'int' }]),
      })
    }
    // The first attempt reaches the server and is applied, but its answer is lost (a timeout).
    let attempts = 0
    const keys: string[] = []
    const client = new RegistryClient({
      url,
      retries: 2,
      retryDelayMs: 1,
      fetch: async (input, init) => {
        attempts++
        keys.push(String((init?.headers as Record<string, string> | undefined)?.['idempotency-key']))
        const res = await fetch(input, init)
        if (attempts === 1)
          throw new TypeError('fetch failed', { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } })
        return res
      },
    })
    expect(await client.deleteVersion(subject, 'latest')).toBe(2)
    expect(attempts).toBe(2)
    expect(keys[1]).toBe(keys[0])
    expect((await call(app, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1])
  })
})
