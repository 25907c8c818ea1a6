import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryClient, RegistryHttpError, type RunningRegistry, startRegistry } from '../src/index'
import { bad, uniq, v1, v2 } from './helpers/http-suite'

describe('RegistryClient against a real listening registry', () => {
  let server: RunningRegistry
  let client: RegistryClient

  beforeAll(async () => {
    server = await startRegistry({ port: 0, store: { type: 'memory' } })
    client = new RegistryClient({ url: server.url, retries: 0 })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('registers, looks up, reads by id and version', async () => {
    const s = uniq()
    const { id, guid } = await client.register(s, { schema: v1 })
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(await client.register(s, { schema: JSON.parse(v1) })).toEqual({ id, guid, version: 1 })
    expect(JSON.parse((await client.getSchemaByGuid(guid as string)).schema)).toEqual(JSON.parse(v1))
    expect(await client.listContexts()).toEqual(['.'])
    expect(await client.getAssociations(s)).toEqual([])
    const found = await client.lookup(s, v1)
    expect(found).toMatchObject({ subject: s, id, version: 1 })
    expect(JSON.parse((await client.getSchemaById(id)).schema)).toEqual(JSON.parse(v1))
    expect(await client.getVersion(s, 'latest')).toMatchObject({ subject: s, id, version: 1 })
    expect(await client.getVersion(s, 1)).toMatchObject({ version: 1 })
    expect(await client.listVersions(s)).toEqual([1])
    expect(await client.listSubjects()).toContain(s)
  })

  it('tests compatibility without registering', async () => {
    const s = uniq()
    await client.register(s, { schema: v1 })
    const no = await client.testCompatibility(s, { schema: bad })
    expect(no.isCompatible).toBe(false)
    expect(no.messages.join(' ')).toContain('age')
    expect(await client.testCompatibility(s, v2, { version: 1 })).toEqual({
      isCompatible: true,
      messages: [],
    })
    expect(await client.listVersions(s)).toEqual([1])
  })

  it('reads and writes config, deletes subjects', async () => {
    const s = uniq()
    expect(await client.getConfig()).toEqual({ compatibilityLevel: 'BACKWARD' })
    expect(await client.setConfig('FULL', s)).toEqual({ compatibility: 'FULL' })
    expect(await client.getConfig(s)).toEqual({ compatibilityLevel: 'FULL' })
    await client.register(s, { schema: v1 })
    expect(await client.deleteSubject(s)).toEqual([1])
    expect(await client.deleteSubject(s, { permanent: true })).toEqual([1])
    expect(await client.listSubjects({ deleted: true })).not.toContain(s)
  })

  it('throws RegistryHttpError with the status and Confluent error code', async () => {
    const s = uniq()
    const error = await client.getVersion(s).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryHttpError)
    expect(error).toMatchObject({ httpStatus: 404, errorCode: 40401, canRetry: false })
    await client.register(s, { schema: v1 })
    const incompatible = await client.register(s, { schema: bad }).catch((e: unknown) => e)
    expect(incompatible).toMatchObject({ httpStatus: 409, errorCode: 40901 })
  })

  it('reports unreachable registries as retriable network errors and fails over to the next URL', async () => {
    // A port nothing listens on: bind then close to get one.
    const dead = await startRegistry({ port: 0 })
    const deadUrl = dead.url
    await dead.close()
    const lonely = new RegistryClient({ url: deadUrl, retries: 1, retryDelayMs: 1 })
    const error = await lonely.listSubjects().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'KAFKIT_REGISTRY_NETWORK_ERROR', canRetry: true })
    const failover = new RegistryClient({ url: [deadUrl, server.url], retries: 1, retryDelayMs: 1 })
    expect(Array.isArray(await failover.listSubjects())).toBe(true)
  })

  it('rejects invalid options with a typed error', () => {
    expect(() => new RegistryClient({ url: 'not a url' })).toThrow(/KAFKIT|url/i)
  })
})
