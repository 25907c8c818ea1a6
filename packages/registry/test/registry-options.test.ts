import { describe, expect, it } from 'vitest'
import { createRegistryApp, parseStoreSpec, RegistryClient, startRegistry } from '../src/index'
import { uniq, v1 } from './helpers/http-suite'

describe('options validation', () => {
  it('rejects invalid server options with a typed error naming the field', () => {
    expect(() => createRegistryApp({ bodyLimit: -1 })).toThrow(/bodyLimit/)
    expect(() => createRegistryApp({ store: { type: 'kafka', brokers: [] } as never })).toThrow(
      expect.objectContaining({ code: 'KAFKIT_INVALID_OPTIONS' }),
    )
    expect(() =>
      createRegistryApp({ auth: { users: [{ username: 'a:b', password: 'x', role: 'read-write' }] } }),
    ).toThrow(/cannot contain ":"/)
  })

  it('parses CLI store specs', () => {
    expect(parseStoreSpec('memory')).toEqual({ type: 'memory' })
    expect(parseStoreSpec('file:/tmp/x')).toEqual({ type: 'file', dir: '/tmp/x' })
    expect(parseStoreSpec('kafka', { brokers: ['a:1'], topic: 't' })).toEqual({
      type: 'kafka',
      brokers: ['a:1'],
      topic: 't',
    })
    expect(() => parseStoreSpec('kafka')).toThrow(/--brokers/)
    expect(() => parseStoreSpec('file:')).toThrow(/Unknown store/)
    expect(() => parseStoreSpec('redis')).toThrow(/memory, file:DIR/)
  })

  it('a taken port is a clear error', async () => {
    const first = await startRegistry({ port: 0 })
    try {
      await expect(startRegistry({ port: first.port })).rejects.toMatchObject({
        code: 'KAFKIT_INVALID_OPTIONS',
        message: expect.stringContaining('EADDRINUSE'),
      })
    } finally {
      await first.close()
    }
  })

  it('the client sends basic credentials', async () => {
    const server = await startRegistry({
      port: 0,
      auth: { users: [{ username: 'svc', password: 'pw', role: 'read-write' }] },
    })
    try {
      const ok = new RegistryClient({ url: server.url, auth: { username: 'svc', password: 'pw' } })
      const s = uniq()
      expect((await ok.register(s, { schema: v1 })).id).toBeTypeOf('number')
      const wrong = new RegistryClient({
        url: server.url,
        auth: { username: 'svc', password: 'no' },
        retries: 0,
      })
      await expect(wrong.listSubjects()).rejects.toMatchObject({
        httpStatus: 401,
        errorCode: 401,
        canRetry: false,
      })
    } finally {
      await server.close()
    }
  })
})
