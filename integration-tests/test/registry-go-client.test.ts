import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { AvroDecoder, encodeAvro, encodeAvroWithGuid, SchemaCache, unframe } from '@kafkit/client/serdes'
import { RegistryClient, type RunningRegistry, startRegistry } from '@kafkit/registry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { avroSerde } from '../../packages/client/test/fixtures/descriptors'
import { readingFixture } from '../fixtures/reading'

/**
 * Confluent's official Go client (`github.com/confluentinc/confluent-kafka-go/v2` 2.15.1, the newest v2 release: its
 * `schemaregistry` package and `serde/avrov2`), unchanged, against our server. The Go side is
 * integration-tests/go (`kafkit.dev/interop`): it makes the calls and prints what it got, as JSON;
 * the assertions are here. Go (and a C compiler: the serde links the cgo `kafka` package, though
 * nothing here talks to a broker) must be installed; the build uses Go's default caches.
 */
const run = promisify(execFile)
const goDir = fileURLToPath(new URL('../go', import.meta.url))

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example.go',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
}
const userV2 = {
  ...userV1,
  fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}

const { schema: readingSchema, serde: reading } = readingFixture('com.example.go')
const value = {
  sensor: 'é-ü 日本',
  celsius: -12.5,
  seq: -(2 ** 40),
  raw: Buffer.from([0, 128, 255]),
  label: 'porch',
  kind: 'OUTDOOR' as const,
  tags: ['a', 'b'],
}
/** `value` as Go's encoding/json writes the Reading struct: bytes as base64. */
const valueJson = { ...value, raw: value.raw.toString('base64') }

type RestErr = { code: number; message: string } | null
type Meta = { id: number; subject: string; version: number; schema: string; schemaType: string }
// What integration-tests/go/main.go prints ([]byte fields are base64 strings).
type GoResults = {
  register: Record<string, unknown> & {
    id: number
    id2: number
    bySubjectAndId: { schema: string; schemaType: string }
    byId: { schema: string }
    latestV1: Meta
    latestV2: Meta
    metadataV1: Meta
    getIdFull: Meta
    notFound: Record<string, RestErr>
  }
  compatibility: Record<string, unknown>
  delete: Record<string, unknown> & { deletedV2: Meta; reRegisterLatest: Meta }
  serde: {
    registeredId: number
    latest: string
    autoRegister: string
    autoRegistered: Meta
    useSchemaId: string
    versions: number[]
    roundTrip: unknown
    fromOurs: unknown
    evolve: { v1Id: number; v2Id: number; v1Bytes: string; asV2: unknown }
  }
  // biome-ignore lint/suspicious/noExplicitAny: the Go program's JSON, read field by field
  confluent8: Record<string, any>
}

const code = (n: number) => ({ code: n, message: expect.any(String) })

async function requireGo(): Promise<string> {
  try {
    const { stdout } = await run('go', ['version'])
    return stdout.trim()
  } catch (error) {
    throw new Error(
      `This test needs the Go toolchain ('go' on PATH, Go >= 1.22, plus a C compiler for cgo) to build ` +
        `integration-tests/go with Confluent's Go client; 'go version' failed: ${(error as Error).message}`,
    )
  }
}

describe("Confluent's Go client (confluent-kafka-go/v2 2.15.1 schemaregistry + avrov2) against kafkit registry", () => {
  let server: RunningRegistry
  let binDir: string
  let results: GoResults
  let readingId: number
  let ours: Buffer
  let guidRegistered: { id: number; guid?: string }
  const prefix = `go-${randomUUID().slice(0, 8)}-`
  const registry = () =>
    new RegistryClient({ url: server.url, auth: { username: 'app', password: 'secret' } })

  beforeAll(async () => {
    await requireGo()
    server = await startRegistry({
      port: 0,
      store: { type: 'memory' },
      auth: { users: [{ username: 'app', password: 'secret', role: 'read-write' }] },
    })
    binDir = await mkdtemp(join(tmpdir(), 'kafkit-go-interop-'))
    const bin = join(binDir, 'interop')
    // Default GOPATH/GOCACHE, so CI caches them; go.sum is committed, modules come from the proxy.
    // CGO_ENABLED=1 so a missing C compiler says so instead of failing on the kafka package.
    try {
      await run('go', ['build', '-o', bin, '.'], {
        cwd: goDir,
        env: { ...process.env, CGO_ENABLED: '1' },
        timeout: 900_000,
        maxBuffer: 16 * 1024 * 1024,
      })
    } catch (error) {
      const e = error as { stderr?: string; message: string }
      throw new Error(`go build in integration-tests/go failed: ${(e.stderr || e.message).trim()}`)
    }

    // Our side first: register the schema and frame the value with encodeAvro; Go decodes it.
    readingId = (await registry().register(`${prefix}readings-value`, { schema: readingSchema })).id
    ours = encodeAvro(reading.type, readingId, value)
    // The same schema with metadata, as Go registers it: Go reads our GUID-framed bytes (magic 1).
    guidRegistered = await registry().register(`${prefix}guid-readings-value`, {
      schema: readingSchema,
      metadata: { properties: { owner: 'go-team' } },
    })
    const oursGuid = encodeAvroWithGuid(reading.type, guidRegistered.guid as string, value)

    const child = run(bin, ['-registry', server.url, '-prefix', prefix, '-userinfo', 'app:secret'], {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    child.child.stdin?.end(
      JSON.stringify({
        readingSchema: JSON.stringify(readingSchema),
        reading: valueJson,
        ours: ours.toString('base64'),
        oursGuid: oursGuid.toString('base64'),
      }),
    )
    try {
      results = JSON.parse((await child).stdout) as GoResults
    } catch (error) {
      const e = error as { stderr?: string; message: string }
      throw new Error(`the Go interop program failed: ${(e.stderr || e.message).trim()}`)
    }
  }, 1_000_000)

  afterAll(async () => {
    await server?.close()
    if (binDir !== undefined) await rm(binDir, { recursive: true, force: true })
  })

  it('registers (same id on re-register, whitespace ignored, and under another subject) and looks schemas up', () => {
    const r = results.register
    const subject = `${prefix}users-value`
    const other = `${prefix}users-copy-value`
    expect(r.id).toBeGreaterThan(0)
    expect(r.reRegisterId).toBe(r.id)
    expect(r.otherSubjectId).toBe(r.id)
    expect((r.fullResponse as Meta).id).toBe(r.id)
    expect(JSON.parse(r.bySubjectAndId.schema)).toEqual(userV1)
    expect(JSON.parse(r.byId.schema)).toEqual(userV1)
    expect(r.getId).toBe(r.id)
    // Confluent 8 register answers carry the version, so the 2.15 client answers this from its cache
    // (filled by Register, whose answer has no subject, as Confluent's RegisterSchemaResponse).
    expect(r.getIdFull).toMatchObject({ id: r.id, version: 1 })
    expect(r.latestV1).toMatchObject({ id: r.id, subject, version: 1 })
    expect(JSON.parse(r.latestV1.schema)).toEqual(userV1)

    expect(r.id2).not.toBe(r.id)
    expect(r.latestV2).toMatchObject({ id: r.id2, subject, version: 2 })
    expect(JSON.parse(r.latestV2.schema)).toEqual(userV2)
    expect(r.metadataV1).toMatchObject({ id: r.id, subject, version: 1 })
    expect(r.versionV1).toBe(1)
    expect(r.versionV2).toBe(2)
    expect(r.versions).toEqual([1, 2])
    expect(r.otherVersions).toEqual([1])
    expect(r.subjectsHasBoth).toBe(true)
    expect(r.subjectsAndVersionsById).toEqual([
      { subject: other, version: 1 },
      { subject, version: 1 },
    ])
    expect(r.contexts).toEqual(['.'])

    // Confluent's error codes come through the client's rest.Error.
    expect(r.notFound).toEqual({
      getIdBreaking: code(40403),
      latestMissing: code(40401),
      versionMissing: code(40402),
      idMissing: code(40403),
      versionsMissing: code(40401),
    })
  })

  it('Confluent 8 API: GUIDs, metadata and rule sets, data-contract config, associations, GUID header serde', async () => {
    const g = results.confluent8
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    const md = {
      properties: { 'app.major': '1', owner: 'go-team' },
      tags: { 'User.name': ['PII'] },
      sensitive: ['name'],
    }
    const rs = {
      domainRules: [
        {
          name: 'positiveId',
          kind: 'CONDITION',
          mode: 'WRITE',
          type: 'CEL',
          expr: 'message.id > 0',
          params: { a: '1', b: '2' },
        },
      ],
    }
    expect(g.registered).toMatchObject({ version: 1, metadata: md, ruleSet: rs })
    expect(g.registered.guid).toMatch(uuid)
    // Same text, no metadata, another subject: another GUID (the contract is part of the identity).
    expect(g.plain.guid).toMatch(uuid)
    expect(g.plain.guid).not.toBe(g.registered.guid)
    expect(g.plain.id).not.toBe(g.registered.id)
    expect(g.byGuid).toMatchObject({ metadata: md, ruleSet: rs })
    expect(JSON.parse(g.byGuid.schema)).toEqual(userV1)
    expect(g.byGuidMissing).toEqual(code(40403))
    expect(g.lookup).toMatchObject({ id: g.registered.id, guid: g.registered.guid, version: 1 })
    expect(g.latest).toMatchObject({
      id: g.registered.id,
      guid: g.registered.guid,
      metadata: md,
      ruleSet: rs,
    })
    expect(g.withMetadata).toMatchObject({ id: g.registered.id, version: 1 })
    expect(g.withMetadataMissing).toEqual(code(40403))

    expect(g.configLevel).toBe('BACKWARD')
    expect(g.config).toMatchObject({
      normalize: true,
      compatibilityGroup: 'app.major',
      defaultMetadata: { properties: { owner: 'platform' } },
      overrideRuleSet: rs,
    })
    expect(g.configRegistered).toMatchObject({
      version: 1,
      metadata: { properties: { owner: 'platform' } },
      ruleSet: rs,
    })

    expect(g.association).toMatchObject({ resourceName: `${prefix}bound`, resourceId: `id-${prefix}bound` })
    expect(g.associations).toEqual([
      expect.objectContaining({
        subject: `${prefix}contract-value`,
        resourceName: `${prefix}bound`,
        associationType: 'value',
      }),
    ])
    expect(g.associationsNone).toEqual([])
    expect(g.deleteAgain).toEqual(code(40410))

    // GUID header form: magic 1 + the GUID in __value_schema_id, the bare Avro as payload.
    const header = Buffer.from(g.serde.headers.__value_schema_id, 'base64')
    expect(header[0]).toBe(1)
    expect(header.subarray(1).toString('hex')).toBe((g.serde.guid as string).replaceAll('-', ''))
    expect(g.serde.guid).toBe(guidRegistered.guid)
    expect(g.serde.roundTrip).toEqual(valueJson)
    expect(g.serde.fromOursGuid).toEqual(valueJson)
    const decoder = new AvroDecoder(reading, new SchemaCache(registry()))
    expect(await decoder.decode(Buffer.from(g.serde.payload, 'base64'), header)).toEqual({
      value,
      guid: g.serde.guid,
    })
  })

  it('tests compatibility and gets/updates the compatibility config', () => {
    expect(results.compatibility).toEqual({
      subjectV2: true,
      subjectBreaking: false,
      v1V2: true,
      v1Breaking: false,
      missingVersion: code(40402),
      unknownSubject: true,
      // Testing never registers.
      versionsAfterTests: [1],
      registerBreaking: code(40901),
      default: 'BACKWARD',
      // No subject-level config yet: 40408, as Confluent.
      subjectBeforeUpdate: code(40408),
      updated: 'NONE',
      afterUpdate: 'NONE',
      breakingAfterNone: true,
      breakingVersion: 2,
      breakingGetId: true,
      updateConfig: 'FULL_TRANSITIVE',
      getConfig: 'FULL_TRANSITIVE',
      getConfigDefaultToGlobal: 'BACKWARD',
      getConfigNoDefault: code(40408),
      defaultConfig: 'BACKWARD',
      // The subject setting does not leak into the global one.
      defaultAfter: 'BACKWARD',
    })
  })

  it('deletes subjects soft, then permanently, and versions', () => {
    const d = results.delete
    const subject = `${prefix}delete-value`
    expect(d.id2).not.toBe(d.id1)
    expect(d).toMatchObject({
      // A permanent delete needs a soft delete first.
      permanentFirst: code(40405),
      soft: [1, 2],
      listedAfterSoft: false,
      versionsAfterSoft: code(40401),
      // Soft-deleted versions stay readable with deleted=true, and by id (consumers need them).
      deletedVersionOfV1: 1,
      softAgain: code(40404),
      permanent: [1, 2],
      afterPermanent: code(40401),
      // After a permanent delete numbering restarts at 1, and the schema keeps its global id.
      reRegisterId: d.id1,
      versionSoft: 2,
      versionsAfterVersionSoft: [1],
      versionPermanentNotSoft: code(40407),
      versionPermanent: 2,
      versionGone: code(40402),
    })
    expect(d.deletedV2).toMatchObject({ id: d.id2, subject, version: 2 })
    expect(JSON.parse(d.byIdAfterSoft as string)).toEqual(userV1)
    expect(d.reRegisterLatest).toMatchObject({ id: d.id1, subject, version: 1 })
  })

  describe('avrov2 Serializer / Deserializer', () => {
    it('serializes with the wire format framing our schema id; the bytes differ from encodeAvro only in array blocks', () => {
      const s = results.serde
      expect(s.registeredId).toBe(readingId)
      // hamba/avro writes each array block as a negative count plus the block's byte size (allowed by the
      // Avro spec, readable by every reader); avsc writes the plain count. tags ['a', 'b']:
      // avsc 04 0261 0262 00, hamba 03 08 0261 0262 00.
      const oursHex = ours.toString('hex')
      expect(oursHex.endsWith('040261026200')).toBe(true)
      const goHex = `${oursHex.slice(0, -'040261026200'.length)}03080261026200`
      for (const bytes of [s.latest, s.useSchemaId]) {
        expect(Buffer.from(bytes, 'base64').toString('hex')).toBe(goHex)
      }
      // Neither mode registers anything.
      expect(s.versions).toEqual([1])
      expect(s.roundTrip).toEqual(valueJson)
    })

    it('auto-registers the schema text hamba/avro prints (it drops "default": null, so it is a schema of its own)', () => {
      const s = results.serde
      expect(s.autoRegistered).toMatchObject({ subject: `${prefix}auto-value`, version: 1 })
      // As in Confluent, a default is part of a schema's identity: a new id, not readingId.
      expect(s.autoRegistered.id).not.toBe(readingId)
      const printed = {
        ...readingSchema,
        fields: readingSchema.fields.map((f) => (f.name === 'label' ? { name: f.name, type: f.type } : f)),
      }
      expect(JSON.parse(s.autoRegistered.schema)).toEqual(printed)
      const auto = Buffer.from(s.autoRegister, 'base64')
      expect(unframe(auto).schemaId).toBe(s.autoRegistered.id)
      expect(auto.subarray(5).equals(Buffer.from(s.latest, 'base64').subarray(5))).toBe(true)
    })

    it('bytes from our encodeAvro decode with the Go Deserializer', () => {
      expect(results.serde.fromOurs).toEqual(valueJson)
    })

    it('bytes from the Go Serializer decode with our AvroDecoder (writer schema fetched from our registry)', async () => {
      const decoder = new AvroDecoder(reading, new SchemaCache(registry()))
      expect(await decoder.decode(Buffer.from(results.serde.latest, 'base64'))).toEqual({
        value,
        schemaId: readingId,
      })
    })

    it('reads old bytes into the latest schema after an evolution (useLatestVersion on both sides)', async () => {
      const e = results.serde.evolve
      expect(e.v2Id).not.toBe(e.v1Id)
      // The Go deserializer asks our server for the writer's version (lookup with deleted=true).
      expect(e.asV2).toEqual({ id: 42, name: 'Ada', email: null })
      const v1Bytes = Buffer.from(e.v1Bytes, 'base64')
      expect(unframe(v1Bytes).schemaId).toBe(e.v1Id)
      const v2 = avroSerde(
        userV2,
        z.object({ id: z.number(), name: z.string(), email: z.string().nullable() }),
      )
      const decoder = new AvroDecoder(v2, new SchemaCache(registry()))
      expect(await decoder.decode(v1Bytes)).toEqual({
        value: { id: 42, name: 'Ada', email: null },
        schemaId: e.v1Id,
      })
    })
  })
})
