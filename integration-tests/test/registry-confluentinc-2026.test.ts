import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AvroDeserializer,
  AvroSerializer,
  CelExecutor,
  HeaderSchemaIdSerializer,
  type Metadata,
  RestError,
  RuleMode,
  type RuleSet,
  type SchemaInfo,
  SchemaRegistryClient,
  SerdeType,
  VALUE_SCHEMA_ID_HEADER,
} from '@confluentinc/schemaregistry'
import {
  AvroDecoder,
  encodeAvroWithGuid,
  guidFromBytes,
  SchemaCache,
  schemaIdHeader,
  unframe,
  unframeAny,
} from '@kafkit/client/serdes'
import {
  RegistryClient,
  type RegistryServerOptions,
  type RunningRegistry,
  startRegistry,
} from '@kafkit/registry'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { readingFixture } from '../fixtures/reading'

/**
 * The 2026 Confluent JavaScript client (@confluentinc/schemaregistry 1.10.1, the newest on npm) with its
 * default settings: the associated subject name strategy (it first asks GET /associations/resources/-/{topic})
 * and schema GUIDs (register/lookup answers carry `guid`; deserializers fetch GET /schemas/guids/{guid}).
 * Its serializer and deserializer round-trip through our registry with metadata and a rule set (a CEL
 * condition the serializer really evaluates) attached, on the file store and on the Kafka store.
 */
const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`

CelExecutor.register()

const { schema: readingSchema, serde: reading } = readingFixture('com.example.cc2026')
const value = {
  sensor: 'é-ü 日本',
  celsius: -12.5,
  seq: -(2 ** 40),
  raw: Buffer.from([0, 128, 255]),
  label: null,
  kind: 'OUTDOOR',
  tags: ['a', 'b'],
}
const metadata: Metadata = {
  properties: { owner: 'sensors-team', 'app.major': '1' },
  tags: { 'Reading.sensor': ['PII'] },
  sensitive: ['sensor'],
}
const ruleSet: RuleSet = {
  domainRules: [
    {
      name: 'plausibleCelsius',
      kind: 'CONDITION',
      mode: RuleMode.WRITE,
      type: 'CEL',
      expr: 'message.celsius > -100.0 && message.celsius < 100.0',
      params: { note: 'drops sensor glitches' },
    },
  ],
}
const avro = (extra: Partial<SchemaInfo> = {}): SchemaInfo => ({
  schemaType: 'AVRO',
  schema: JSON.stringify(readingSchema),
  ...extra,
})

const stores: Array<{
  name: string
  options: () => Promise<{ store: RegistryServerOptions['store']; dir?: string }>
}> = [
  {
    name: 'file store',
    options: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kafkit-cc2026-'))
      return { store: { type: 'file', dir }, dir }
    },
  },
  {
    name: 'Kafka store',
    options: async () => ({
      store: { type: 'kafka', brokers: inject('kafkaBrokers'), topic: uniq('_schemas-cc2026') },
    }),
  },
]

describe.each(stores)(
  '@confluentinc/schemaregistry 1.10.1 defaults (associations, GUIDs, data contracts) against kafkit registry ($name)',
  ({ options }) => {
    let server: RunningRegistry
    let dir: string | undefined
    let client: SchemaRegistryClient
    let topic: string
    let registered: SchemaInfo & { id?: number; guid?: string; version?: number }

    beforeAll(async () => {
      const o = await options()
      dir = o.dir
      server = await startRegistry({ port: 0, store: o.store })
      client = new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })
      topic = uniq('readings')
      registered = await client.registerFullResponse(`${topic}-value`, avro({ metadata, ruleSet }))
    }, 120_000)
    afterAll(async () => {
      await client?.close()
      await server?.close()
      if (dir !== undefined) await rm(dir, { recursive: true, force: true })
    })

    it('registers with metadata and a rule set: the answer carries id, version, GUID, and the contract intact', async () => {
      expect(registered).toMatchObject({ id: expect.any(Number), version: 1, metadata, ruleSet })
      expect(registered.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      const latest = await client.getLatestSchemaMetadata(`${topic}-value`)
      expect(latest).toMatchObject({ id: registered.id, guid: registered.guid, metadata, ruleSet })
      expect(await client.getByGuid(registered.guid as string)).toMatchObject({ metadata, ruleSet })
      expect(await client.getLatestWithMetadata(`${topic}-value`, { owner: 'sensors-team' })).toMatchObject({
        id: registered.id,
        version: 1,
      })
      // Same text without the contract inherits it: the same version, not a new one.
      expect(await client.registerFullResponse(`${topic}-value`, avro())).toMatchObject({
        id: registered.id,
        version: 1,
        guid: registered.guid,
      })
    })

    it('default serializer and deserializer round-trip; the associated strategy falls back to <topic>-value', async () => {
      // Default subject strategy: ASSOCIATED, which asks our /associations first (an empty list here).
      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {})
      const bytes = await serializer.serialize(topic, value)
      expect(unframe(bytes).schemaId).toBe(registered.id)
      expect(await deserializer.deserialize(topic, bytes)).toEqual(value)

      // The rule set came back intact: the serializer evaluates its CEL condition and refuses a glitch.
      await expect(serializer.serialize(topic, { ...value, celsius: 500 })).rejects.toThrow(
        /plausibleCelsius|condition/i,
      )
    })

    it('GUIDs: the header form from Confluent reads back in Confluent and in Kafkit; Kafkit GUID prefix reads in Confluent', async () => {
      const serializer = new AvroSerializer(client, SerdeType.VALUE, {
        useLatestVersion: true,
        schemaIdSerializer: HeaderSchemaIdSerializer,
      })
      const headers: Record<string, Buffer> = {}
      const payload = await serializer.serialize(topic, value, headers)
      const header = headers[VALUE_SCHEMA_ID_HEADER] as Buffer
      expect(header[0]).toBe(1)
      expect(guidFromBytes(header.subarray(1))).toBe(registered.guid)
      expect(header.equals(schemaIdHeader({ guid: registered.guid as string }))).toBe(true)

      // A fresh client: nothing cached, so the deserializer must fetch /schemas/guids/{guid} from us.
      const fresh = new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })
      try {
        const deserializer = new AvroDeserializer(fresh, SerdeType.VALUE, {})
        expect(await deserializer.deserialize(topic, payload, headers)).toEqual(value)

        const ours = encodeAvroWithGuid(reading.type, registered.guid as string, value)
        expect(unframeAny(ours).ref).toEqual({ guid: registered.guid })
        expect(await deserializer.deserialize(topic, ours)).toEqual(value)
      } finally {
        await fresh.close()
      }

      const decoder = new AvroDecoder(reading, new SchemaCache(new RegistryClient({ url: server.url })))
      expect(await decoder.decode(payload, header)).toEqual({ value, guid: registered.guid })
    })

    it('an association binds a topic to a subject outside the naming strategy; serde follows it', async () => {
      const boundTopic = uniq('bound')
      const subject = uniq('sensor-readings-contract')
      const id = await client.register(subject, avro({ metadata: { properties: { owner: 'bound' } } }))
      expect(id).not.toBe(registered.id)
      const created = await client.createAssociation({
        resourceName: boundTopic,
        resourceNamespace: 'lkc-kafkit',
        resourceId: `topic-id-${boundTopic}`,
        resourceType: 'topic',
        associations: [{ subject, associationType: 'value' }],
      })
      expect(created).toMatchObject({
        resourceName: boundTopic,
        associations: [{ subject, associationType: 'value' }],
      })
      const found = await client.getAssociationsByResourceName(
        boundTopic,
        '-',
        'topic',
        ['value'],
        null,
        0,
        -1,
      )
      expect(found).toEqual([expect.objectContaining({ subject, resourceId: `topic-id-${boundTopic}` })])

      const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
      const bytes = await serializer.serialize(boundTopic, value)
      // Written with the associated subject's schema, not `${boundTopic}-value` (which does not exist).
      expect(unframe(bytes).schemaId).toBe(id)
      const deserializer = new AvroDeserializer(client, SerdeType.VALUE, { useLatestVersion: true })
      expect(await deserializer.deserialize(boundTopic, bytes)).toEqual(value)

      await client.deleteAssociations(`topic-id-${boundTopic}`, 'topic', ['value'], false)
      expect(
        await client.getAssociationsByResourceName(boundTopic, '-', 'topic', ['value'], null, 0, -1),
      ).toEqual([])
      try {
        await client.deleteAssociations(`topic-id-${boundTopic}`, 'topic', ['value'], false)
        expect.unreachable('a second delete must fail')
      } catch (error) {
        expect(error).toBeInstanceOf(RestError)
        expect((error as RestError).errorCode).toBe(40410)
      }
    })

    it('config with default metadata and rule set, then deletes', async () => {
      const subject = uniq('cfg-value')
      await client.updateConfig(subject, {
        compatibility: 'BACKWARD' as never,
        defaultMetadata: { properties: { owner: 'platform' } },
        overrideRuleSet: ruleSet,
        normalize: true,
      })
      const config = await client.getConfig(subject)
      expect(config).toMatchObject({
        compatibilityLevel: 'BACKWARD',
        defaultMetadata: { properties: { owner: 'platform' } },
        overrideRuleSet: ruleSet,
        normalize: true,
      })
      const full = await client.registerFullResponse(subject, avro())
      expect(full).toMatchObject({ version: 1, metadata: { properties: { owner: 'platform' } }, ruleSet })
      expect(await client.deleteSubject(subject)).toEqual([1])
      expect(await client.deleteSubject(subject, true)).toEqual([1])
    })
  },
)
