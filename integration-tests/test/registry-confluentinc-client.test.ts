import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AvroDeserializer,
  AvroSerializer,
  Compatibility,
  RestError,
  type SchemaInfo,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { AvroDecoder, encodeAvro, SchemaCache, unframe } from '@kafkit/client/serdes'
import { RegistryClient, type RunningRegistry, startRegistry } from '@kafkit/registry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { avroSerde } from '../../packages/client/test/fixtures/descriptors'
import { readingFixture } from '../fixtures/reading'

/**
 * Confluent's official JavaScript Schema Registry client (`@confluentinc/schemaregistry`, the one
 * `@confluentinc/kafka-javascript` uses), unchanged, against our server.
 */
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example.cc',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
}
// BACKWARD-compatible evolution: the new field has a default.
const userV2 = {
  ...userV1,
  fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}
// Not BACKWARD-compatible with v1: a new field without a default.
const userBreaking = { ...userV1, fields: [...userV1.fields, { name: 'age', type: 'int' }] }

const avro = (schema: object, extra: Partial<SchemaInfo> = {}): SchemaInfo => ({
  schemaType: 'AVRO',
  schema: JSON.stringify(schema),
  ...extra,
})

/** The Confluent client's error for a non-2xx answer, as `{ status, errorCode }`. */
async function restError(p: Promise<unknown>): Promise<{ status: number; errorCode: number }> {
  try {
    await p
  } catch (error) {
    expect(error).toBeInstanceOf(RestError)
    const e = error as RestError
    return { status: e.status, errorCode: e.errorCode }
  }
  throw new Error('expected the call to fail')
}

const stores = [
  { name: 'memory store', file: false },
  { name: 'file store', file: true },
] as const

describe.each(stores)('@confluentinc/schemaregistry 1.10.1 against kafkit registry ($name)', ({ file }) => {
  let server: RunningRegistry
  let dir: string | undefined
  let client: SchemaRegistryClient

  beforeAll(async () => {
    dir = file ? await mkdtemp(join(tmpdir(), 'kafkit-cc-registry-')) : undefined
    server = await startRegistry({
      port: 0,
      store: dir === undefined ? { type: 'memory' } : { type: 'file', dir },
      auth: { users: [{ username: 'app', password: 'secret', role: 'read-write' }] },
    })
    client = new SchemaRegistryClient({
      baseURLs: [server.url],
      basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: 'app:secret' },
      // 4xx answers are never retried; no 5xx is expected, so fail fast if one comes.
      maxRetries: 0,
    })
  })
  afterAll(async () => {
    await client?.close()
    await server?.close()
    if (dir !== undefined) await rm(dir, { recursive: true, force: true })
  })

  it('registers: same id on re-register (whitespace ignored) and under another subject; looks schemas up', async () => {
    const subject = uniq('users-value')
    const other = uniq('users-copy-value')
    const id = await client.register(subject, avro(userV1))
    expect(id).toBeGreaterThan(0)
    // A differently formatted text bypasses the client's cache, so the server answers.
    expect(
      await client.register(subject, { schemaType: 'AVRO', schema: JSON.stringify(userV1, null, 2) }),
    ).toBe(id)
    expect(await client.register(other, avro(userV1))).toBe(id)

    const byId = await client.getBySubjectAndId(subject, id)
    expect(JSON.parse(byId.schema)).toEqual(userV1)
    expect(byId.schemaType ?? 'AVRO').toBe('AVRO')

    expect(await client.getId(subject, avro(userV1))).toBe(id)
    // Confluent 8 register answers carry version and GUID, so the client answers this from the cache its
    // register call filled (that answer has no subject, as Confluent's RegisterSchemaResponse).
    const full = await client.getIdFullResponse(other, avro(userV1))
    expect(full).toMatchObject({ id, version: 1, guid: expect.any(String) })
    client.clearCaches()
    expect(await client.getIdFullResponse(other, avro(userV1))).toMatchObject({
      id,
      subject: other,
      version: 1,
    })

    const latest = await client.getLatestSchemaMetadata(subject)
    expect(latest).toMatchObject({ id, subject, version: 1 })
    expect(JSON.parse(latest.schema)).toEqual(userV1)

    const id2 = await client.register(subject, avro(userV2))
    expect(id2).not.toBe(id)
    client.clearLatestCaches()
    expect(await client.getLatestSchemaMetadata(subject)).toMatchObject({ id: id2, subject, version: 2 })
    expect(await client.getSchemaMetadata(subject, 1)).toMatchObject({ id, subject, version: 1 })
    expect(await client.getVersion(subject, avro(userV1))).toBe(1)
    expect(await client.getVersion(subject, avro(userV2))).toBe(2)
    expect(await client.getAllVersions(subject)).toEqual([1, 2])
    expect(await client.getAllVersions(other)).toEqual([1])
    expect(await client.getAllSubjects()).toEqual(expect.arrayContaining([subject, other]))

    // Not found: Confluent's codes come through the client's RestError.
    expect(await restError(client.getId(subject, avro(userBreaking)))).toEqual({
      status: 404,
      errorCode: 40403,
    })
    expect(await restError(client.getLatestSchemaMetadata(uniq('missing')))).toEqual({
      status: 404,
      errorCode: 40401,
    })
    expect(await restError(client.getSchemaMetadata(subject, 9))).toEqual({ status: 404, errorCode: 40402 })
    expect(await restError(client.getBySubjectAndId(subject, 987_654))).toEqual({
      status: 404,
      errorCode: 40403,
    })
  })

  it('handles subject names that need URL encoding, and normalize=true', async () => {
    // The client encodeURIComponent()s the subject in most calls (not in getAllVersions).
    const subject = uniq('ns:odd/subject name?&#%-value')
    const id = await client.register(subject, avro(userV1))
    expect(await client.getAllSubjects()).toContain(subject)
    expect(await client.getLatestSchemaMetadata(subject)).toMatchObject({ id, subject, version: 1 })
    expect(await client.getVersion(subject, avro(userV1))).toBe(1)
    expect(await client.testSubjectCompatibility(subject, avro(userV2))).toBe(true)
    expect(await client.updateCompatibility(subject, Compatibility.FULL)).toBe(Compatibility.FULL)
    expect(await client.getCompatibility(subject)).toBe(Compatibility.FULL)

    client.clearCaches()
    expect(await client.register(subject, avro(userV1), true)).toBe(id)
    expect(await client.getId(subject, avro(userV1), true)).toBe(id)

    expect(await client.deleteSubject(subject)).toEqual([1])
    expect(await client.deleteSubject(subject, true)).toEqual([1])
    expect(await client.getAllSubjects()).not.toContain(subject)
  })

  it('tests compatibility and gets/updates the compatibility config', async () => {
    const subject = uniq('compat-value')
    await client.register(subject, avro(userV1))

    expect(await client.testSubjectCompatibility(subject, avro(userV2))).toBe(true)
    expect(await client.testSubjectCompatibility(subject, avro(userBreaking))).toBe(false)
    expect(await client.testCompatibility(subject, 1, avro(userV2))).toBe(true)
    expect(await client.testCompatibility(subject, 1, avro(userBreaking))).toBe(false)
    expect(await restError(client.testCompatibility(subject, 5, avro(userV2)))).toEqual({
      status: 404,
      errorCode: 40402,
    })
    // Testing never registers.
    expect(await client.getAllVersions(subject)).toEqual([1])

    expect(await restError(client.register(subject, avro(userBreaking)))).toEqual({
      status: 409,
      errorCode: 40901,
    })

    expect(await client.getDefaultCompatibility()).toBe(Compatibility.BACKWARD)
    expect((await client.getDefaultConfig()).compatibilityLevel).toBe(Compatibility.BACKWARD)
    // No subject-level config yet: 40408, as Confluent.
    expect(await restError(client.getCompatibility(subject))).toEqual({ status: 404, errorCode: 40408 })

    expect(await client.updateCompatibility(subject, Compatibility.NONE)).toBe(Compatibility.NONE)
    expect(await client.getCompatibility(subject)).toBe(Compatibility.NONE)
    expect(await client.testSubjectCompatibility(subject, avro(userBreaking))).toBe(true)
    const id = await client.register(subject, avro(userBreaking))
    expect(await client.getVersion(subject, avro(userBreaking))).toBe(2)
    expect(await client.getId(subject, avro(userBreaking))).toBe(id)

    expect(
      await client.updateConfig(subject, { compatibility: Compatibility.FULL_TRANSITIVE }),
    ).toMatchObject({
      compatibility: Compatibility.FULL_TRANSITIVE,
    })
    expect(await client.getConfig(subject)).toMatchObject({
      compatibilityLevel: Compatibility.FULL_TRANSITIVE,
    })
    // The subject setting does not leak into the global one.
    expect(await client.getDefaultCompatibility()).toBe(Compatibility.BACKWARD)

    expect(await restError(client.updateCompatibility(subject, 'SIDEWAYS' as Compatibility))).toEqual({
      status: 422,
      errorCode: 42203,
    })
  })

  it('deletes subjects soft, then permanently, and versions', async () => {
    const subject = uniq('delete-value')
    const id1 = await client.register(subject, avro(userV1))
    const id2 = await client.register(subject, avro(userV2))

    // A permanent delete needs a soft delete first.
    expect(await restError(client.deleteSubject(subject, true))).toEqual({ status: 404, errorCode: 40405 })

    expect(await client.deleteSubject(subject)).toEqual([1, 2])
    expect(await client.getAllSubjects()).not.toContain(subject)
    expect(await restError(client.getAllVersions(subject))).toEqual({ status: 404, errorCode: 40401 })
    // Soft-deleted versions stay readable with deleted=true, and by id (consumers need them).
    expect(await client.getSchemaMetadata(subject, 2, true)).toMatchObject({ id: id2, version: 2 })
    expect(await client.getVersion(subject, avro(userV1), false, true)).toBe(1)
    client.clearCaches()
    expect(JSON.parse((await client.getBySubjectAndId(subject, id1)).schema)).toEqual(userV1)
    expect(await restError(client.deleteSubject(subject))).toEqual({ status: 404, errorCode: 40404 })

    expect(await client.deleteSubject(subject, true)).toEqual([1, 2])
    client.clearCaches()
    expect(await restError(client.getSchemaMetadata(subject, 1, true))).toEqual({
      status: 404,
      errorCode: 40401,
    })
    // After a permanent delete numbering restarts at 1, and the schema keeps its global id.
    expect(await client.registerFullResponse(subject, avro(userV1))).toMatchObject({ id: id1 })
    expect(await client.getLatestSchemaMetadata(subject)).toMatchObject({ id: id1, version: 1 })

    // Versions: soft, then permanent.
    await client.register(subject, avro(userV2))
    expect(await client.deleteSubjectVersion(subject, 2)).toBe(2)
    expect(await client.getAllVersions(subject)).toEqual([1])
    expect(await restError(client.deleteSubjectVersion(subject, 1, true))).toEqual({
      status: 404,
      errorCode: 40407,
    })
    expect(await client.deleteSubjectVersion(subject, 2, true)).toBe(2)
    expect(await restError(client.getSchemaMetadata(subject, 2, true))).toEqual({
      status: 404,
      errorCode: 40402,
    })
  })

  it('registers and serializes a schema with references', async () => {
    const topic = uniq('customers')
    const addressSubject = uniq('address')
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'com.example.cc',
      fields: [
        { name: 'street', type: 'string' },
        { name: 'city', type: 'string' },
      ],
    }
    const customer = {
      type: 'record',
      name: 'Customer',
      namespace: 'com.example.cc',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'home', type: 'com.example.cc.Address' },
        { name: 'work', type: ['null', 'com.example.cc.Address'], default: null },
      ],
    }
    const references = [{ name: 'com.example.cc.Address', subject: addressSubject, version: 1 }]
    const addressId = await client.register(addressSubject, avro(address))
    const id = await client.register(`${topic}-value`, avro(customer, { references }))
    expect(id).not.toBe(addressId)

    const latest = await client.getLatestSchemaMetadata(`${topic}-value`)
    expect(latest).toMatchObject({ id, version: 1, references })
    expect((await client.getBySubjectAndId(`${topic}-value`, id)).references).toEqual(references)
    expect(await client.getId(`${topic}-value`, avro(customer, { references }))).toBe(id)
    // Unresolvable reference: 42201.
    expect(
      await restError(
        client.register(
          uniq('broken-value'),
          avro(customer, { references: [{ ...references[0]!, subject: uniq('nowhere') }] }),
        ),
      ),
    ).toEqual({ status: 422, errorCode: 42201 })
    // The referenced subject cannot go while the customer schema uses it.
    expect(await restError(client.deleteSubject(addressSubject))).toEqual({ status: 422, errorCode: 42206 })

    // The serde resolves the reference through the registry on both sides.
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
    const value = { name: 'Ada', home: { street: '1 Main St', city: 'London' }, work: null }
    const bytes = await serializer.serialize(topic, value)
    expect(bytes[0]).toBe(0)
    expect(bytes.readInt32BE(1)).toBe(id)
    expect(await deserializer.deserialize(topic, bytes)).toEqual(value)
  })

  describe('AvroSerializer / AvroDeserializer', () => {
    const { schema: readingSchema, serde: reading } = readingFixture('com.example.cc')
    const value = {
      sensor: 'é-ü 日本',
      celsius: -12.5,
      seq: -(2 ** 40),
      raw: Buffer.from([0, 128, 255]),
      label: null,
      kind: 'OUTDOOR',
      tags: ['a', 'b'],
    }
    let topic: string
    let id: number

    beforeAll(async () => {
      topic = uniq('readings')
      id = await client.register(`${topic}-value`, avro(readingSchema))
    })

    it('round trips through Confluent serde with the wire format framing our schema id', async () => {
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
      const bytes = await serializer.serialize(topic, value)
      expect(unframe(bytes).schemaId).toBe(id)
      expect(await deserializer.deserialize(topic, bytes)).toEqual(value)

      // useSchemaId: fetches the schema by id, then looks it up under the subject with the text we served.
      const byId = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: id })
      expect((await byId.serialize(topic, value)).equals(bytes)).toBe(true)
    })

    it('bytes from our encodeAvro decode with Confluent AvroDeserializer and are identical to AvroSerializer output', async () => {
      const ours = encodeAvro(reading.type, id, value)
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
      expect(await deserializer.deserialize(topic, ours)).toEqual(value)

      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
      const theirs = await serializer.serialize(topic, value)
      expect(ours.toString('hex')).toBe(theirs.toString('hex'))
    })

    it('bytes from Confluent AvroSerializer decode with our AvroDecoder (writer schema fetched from our registry)', async () => {
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
      const theirs = await serializer.serialize(topic, value)
      const decoder = new AvroDecoder(
        reading,
        new SchemaCache(
          new RegistryClient({ url: server.url, auth: { username: 'app', password: 'secret' } }),
        ),
      )
      expect(await decoder.decode(theirs)).toEqual({ value, schemaId: id })
    })

    it('reads old bytes into the latest schema after an evolution (useLatestVersion on the deserializer)', async () => {
      const subjectTopic = uniq('users')
      const subject = `${subjectTopic}-value`
      const id1 = await client.register(subject, avro(userV1))
      const v1 = encodeAvro(avroSerde(userV1, z.unknown()).type, id1, { id: 42, name: 'Ada' })
      const id2 = await client.register(subject, avro(userV2))

      const plain = new AvroDeserializer(client, SerdeType.VALUE, {})
      expect(await plain.deserialize(subjectTopic, v1)).toEqual({ id: 42, name: 'Ada' })
      // With useLatestVersion the client asks our server for the writer's version (lookup with
      // deleted=true) and resolves v1 data into v2: the new field takes its default.
      const latest = new AvroDeserializer(client, SerdeType.VALUE, { useLatestVersion: true })
      expect(await latest.deserialize(subjectTopic, v1)).toEqual({ id: 42, name: 'Ada', email: null })

      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
      const v2 = await serializer.serialize(subjectTopic, { id: 7, name: 'Bob', email: 'b@example.com' })
      expect(unframe(v2).schemaId).toBe(id2)
      expect(await plain.deserialize(subjectTopic, v2)).toEqual({
        id: 7,
        name: 'Bob',
        email: 'b@example.com',
      })
    })

    it('auto-registers the schema the serializer derives when autoRegisterSchemas is on', async () => {
      const autoTopic = uniq('auto')
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true })
      const bytes = await serializer.serialize(autoTopic, { n: 1, s: 'x' })
      const latest = await client.getLatestSchemaMetadata(`${autoTopic}-value`)
      expect(unframe(bytes).schemaId).toBe(latest.id)
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
      expect(await deserializer.deserialize(autoTopic, bytes)).toEqual({ n: 1, s: 'x' })
    })
  })
})
