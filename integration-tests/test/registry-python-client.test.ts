import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { AvroDecoder, SchemaCache } from '@kafkit/client/serdes'
import { RegistryClient, type RunningRegistry, startRegistry } from '@kafkit/registry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { avroSerde } from '../../packages/client/test/fixtures/descriptors'
import { confluentPython } from '../fixtures/python'

/**
 * Confluent's Python client (confluent-kafka 2.16.1, the newest on PyPI; see integration-tests/python/
 * requirements.txt): its SchemaRegistryClient API against our registry on the file store, not only its serdes:
 * register, lookup, versions, compatibility and config, deletes, GUID lookups, metadata and rule sets,
 * data-contract config, associations, contexts, and the GUID header serde format. The Python side
 * (integration-tests/python/registry_api.py) makes the calls and prints what it got; the assertions are here.
 */
const run = promisify(execFile)
const script = fileURLToPath(new URL('../python/registry_api.py', import.meta.url))

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example.py',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
}
const err = (status: number, code: number) => ({ status, code })
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe("Confluent's Python SchemaRegistryClient (confluent-kafka 2.16.1) against kafkit registry (file store)", () => {
  let server: RunningRegistry
  let dir: string
  // biome-ignore lint/suspicious/noExplicitAny: the Python program's JSON, read field by field
  let results: Record<string, any>
  let python: { python: string } | { reason: string }
  const prefix = `py-${randomUUID().slice(0, 8)}-`

  beforeAll(async () => {
    python = await confluentPython()
    if (!('python' in python)) return
    dir = await mkdtemp(join(tmpdir(), 'kafkit-py-registry-'))
    server = await startRegistry({ port: 0, store: { type: 'file', dir } })
    try {
      const { stdout } = await run(python.python, [script, '--registry', server.url, '--prefix', prefix], {
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      })
      results = JSON.parse(stdout)
    } catch (error) {
      const e = error as { stderr?: string; message: string }
      throw new Error(`the Python registry client program failed: ${(e.stderr || e.message).trim()}`)
    }
  }, 600_000)
  afterAll(async () => {
    await server?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  /** Skips (or, in CI, fails) when the Python client could not be installed. */
  const needPython = (ctx: { skip: (note?: string) => void }) => {
    if ('python' in python) return
    if (process.env.CI) throw new Error(`CI runs every test, but ${python.reason}`)
    ctx.skip(python.reason)
  }

  it('registers, looks up and lists versions, subjects, ids and contexts', (ctx) => {
    needPython(ctx)
    const r = results.register
    const subject = `${prefix}users-value`
    const other = `${prefix}users-copy-value`
    expect(r.reRegisterId).toBe(r.id)
    expect(r.otherSubjectId).toBe(r.id)
    expect(r.full).toMatchObject({ id: r.id, subject: other, version: 1, guid: expect.stringMatching(uuid) })
    expect(JSON.parse(r.byId.schema)).toEqual(userV1)
    expect(JSON.parse(r.byIdWithSubject.schema)).toEqual(userV1)
    expect(r.lookup).toMatchObject({ id: r.id, subject, version: 1, guid: r.full.guid })
    expect(r.id2).not.toBe(r.id)
    expect(r.latest).toMatchObject({ id: r.id2, subject, version: 2, guid: expect.stringMatching(uuid) })
    expect(r.latest.guid).not.toBe(r.full.guid)
    expect(r.version1).toMatchObject({ id: r.id, version: 1 })
    expect(r.versions).toEqual([1, 2])
    expect(r.subjects).toEqual([other, subject])
    expect(r.subjectsById).toEqual(expect.arrayContaining([other, subject]))
    expect(r.versionsById).toEqual(
      expect.arrayContaining([
        [other, 1],
        [subject, 1],
      ]),
    )
    expect(r.contexts).toEqual(['.'])
    expect(r.types).toEqual(['AVRO'])
    expect(r.notFound).toEqual({
      lookupBreaking: err(404, 40403),
      latestMissing: err(404, 40401),
      versionMissing: err(404, 40402),
      idMissing: err(404, 40403),
    })
  })

  it('tests compatibility and sets levels', (ctx) => {
    needPython(ctx)
    expect(results.compatibility).toEqual({
      v2: true,
      breaking: false,
      breakingAll: false,
      registerBreaking: err(409, 40901),
      global: 'BACKWARD',
      subjectBefore: err(404, 40408),
      set: { compatibility: 'NONE' },
      subjectAfter: 'NONE',
      registerAfterNone: true,
      setBad: err(422, 42203),
      mode: 'READWRITE',
    })
  })

  it('deletes subjects and versions, soft then permanent', (ctx) => {
    needPython(ctx)
    const d = results.delete
    expect(d.permanentFirst).toEqual(err(404, 40405))
    expect(d.soft).toEqual([1, 2])
    expect(d.versionsAfterSoft).toEqual(err(404, 40401))
    expect(d.deletedV2).toMatchObject({ version: 2, guid: expect.stringMatching(uuid) })
    expect(JSON.parse(d.byIdAfterSoft)).toEqual(userV1)
    expect(d.permanent).toEqual([1, 2])
    expect(d.afterPermanent).toEqual(err(404, 40401))
    expect(d.versionSoft).toBe(2)
    expect(d.versionPermanentNotSoft).toEqual(err(404, 40407))
    expect(d.versionPermanent).toBe(2)
    expect(d.versions).toEqual([1])
  })

  it('GUID lookups, metadata and rule sets, data-contract config, associations', (ctx) => {
    needPython(ctx)
    const g = results.confluent8
    const md = {
      tags: { 'User.name': ['PII'] },
      properties: { 'app.major': '1', owner: 'py-team' },
      sensitive: ['name'],
    }
    const rule = {
      name: 'positiveId',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL',
      params: { a: '1', b: '2' },
      expr: 'message.id > 0',
      disabled: false,
    }
    expect(g.registered).toMatchObject({ version: 1, guid: expect.stringMatching(uuid), metadata: md })
    expect(g.registered.ruleSet.domainRules).toEqual([rule])
    expect(g.byGuid).toMatchObject({ metadata: md })
    expect(g.byGuid.ruleSet.domainRules).toEqual([rule])
    expect(JSON.parse(g.byGuid.schema)).toEqual(userV1)
    expect(g.byGuidMissing).toEqual(err(404, 40403))
    expect(g.lookup).toMatchObject({ id: g.registered.id, guid: g.registered.guid, version: 1 })
    expect(g.latest).toMatchObject({ id: g.registered.id, guid: g.registered.guid, metadata: md })
    expect(g.withMetadata).toMatchObject({ id: g.registered.id, version: 1 })
    expect(g.withMetadataMissing).toEqual(err(404, 40403))
    // The same text without a contract is another schema: its own GUID and id.
    expect(g.plain.guid).not.toBe(g.registered.guid)
    expect(g.plain.id).not.toBe(g.registered.id)

    expect(g.config).toMatchObject({
      compatibilityLevel: 'BACKWARD',
      compatibilityGroup: 'app.major',
      defaultMetadata: { properties: { owner: 'platform' } },
    })
    expect(g.config.overrideRuleSet.domainRules).toEqual([rule])
    expect(g.configRegistered).toMatchObject({ version: 1, metadata: { properties: { owner: 'platform' } } })
    expect(g.configRegistered.ruleSet.domainRules).toEqual([rule])
    expect(g.deleteConfig).toMatchObject({ compatibilityLevel: 'BACKWARD', compatibilityGroup: 'app.major' })
    expect(g.configAfterDelete).toEqual(err(404, 40408))

    expect(g.association).toEqual({
      resourceName: `${prefix}bound`,
      resourceNamespace: 'lkc-py',
      resourceId: `id-${prefix}bound`,
      resourceType: 'topic',
      associations: [
        { subject: `${prefix}contract-value`, associationType: 'value', lifecycle: 'WEAK', frozen: false },
      ],
    })
    expect(g.associations).toEqual([
      expect.objectContaining({
        subject: `${prefix}contract-value`,
        resourceName: `${prefix}bound`,
        resourceId: `id-${prefix}bound`,
        associationType: 'value',
        guid: expect.stringMatching(uuid),
      }),
    ])
    expect(g.associationsNone).toEqual([])
    expect(g.deleteAgain).toEqual(err(404, 40410))
  })

  it('AvroSerializer GUID header form reads back in Python (via /schemas/guids) and in Kafkit', async (ctx) => {
    needPython(ctx)
    const s = results.confluent8.serde
    const header = Buffer.from(s.headers.__value_schema_id, 'hex')
    expect(header[0]).toBe(1)
    expect(header.subarray(1).toString('hex')).toBe(s.guid.replaceAll('-', ''))
    expect(s.value).toEqual({ id: 7, name: 'Ada Lovelace' })
    const decoder = new AvroDecoder(
      avroSerde(userV1, z.object({ id: z.number(), name: z.string() })),
      new SchemaCache(new RegistryClient({ url: server.url })),
    )
    expect(await decoder.decode(Buffer.from(s.payload, 'hex'), header)).toEqual({
      value: { id: 7, name: 'Ada Lovelace' },
      guid: s.guid,
    })
  })
})
