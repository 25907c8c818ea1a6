import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { createConsumer, createProducer } from '@kafkit/client'
import { readSchemaRef } from '@kafkit/client/serdes'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { makeTopics } from '../../packages/client/test/fixtures/descriptors'
import {
  collect,
  createTopics,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

/**
 * Confluent 8's GUID formats through a real broker: Kafkit's producer writes them (`schemaIdFormat`
 * `guid-prefix` and `guid-header`), Kafkit's consumer and Confluent's JavaScript deserializer read them.
 */
describe('producer schemaIdFormat guid-prefix / guid-header, read by Kafkit and by @confluentinc/schemaregistry', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const t = makeTopics(`guid-${s}`)
  let registry: TestRegistry
  let drop: () => Promise<void>
  const first = {
    key: { paymentId: 'p-1' },
    value: { paymentId: 'p-1', cents: 2 ** 40, method: 'CARD' as const },
  }
  const second = { key: { paymentId: 'p-2' }, value: { paymentId: 'p-2', cents: 5, method: 'CASH' as const } }

  beforeAll(async () => {
    registry = await startTestRegistry()
    drop = await createTopics(brokers, [{ topic: t.payments, partitions: 1 }])
    for (const [format, record] of [
      ['guid-header', { ...first, headers: { trace: 'abc' } }],
      ['guid-prefix', second],
    ] as const) {
      const producer = createProducer({ brokers, registry: registry.client, schemaIdFormat: format })
      try {
        await producer.send(t.payments, record)
      } finally {
        await producer.disconnect()
      }
    }
  }, 120_000)
  afterAll(async () => {
    await drop?.()
    await registry?.close()
  })

  it('Kafkit consumer decodes both formats (header wins for the header form)', async () => {
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-guid`,
      topics: [t.payments],
      fromBeginning: true,
    })
    const got = await collect(consumer, 2)
    expect(got.map((m) => [m.key, m.value])).toEqual([
      [first.key, { ...first.value, tags: [] }],
      [second.key, { ...second.value, tags: [] }],
    ])
    expect(got[0]?.valueSchemaId).toBeUndefined()
    expect(got[0]?.headers.trace?.toString()).toBe('abc')
    const header = got[0]?.headers.__value_schema_id as Buffer
    const latest = await registry.client.getVersion(`${t.payments.name}-value`, 'latest')
    expect(readSchemaRef(header).ref).toEqual({ guid: latest.guid })
    expect(got[1]?.headers.__value_schema_id).toBeUndefined()
  })

  it("the raw records are what Confluent's deserializer reads: GUID header, GUID prefix", async () => {
    const kafka = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING })
    const raw = kafka.consumer({ groupId: `g-${s}-raw` })
    const records: Array<{ key: Buffer; value: Buffer; headers: Record<string, Buffer> }> = []
    await raw.connect()
    try {
      await raw.subscribe({ topic: t.payments.name, fromBeginning: true })
      await new Promise<void>((resolve, reject) => {
        raw
          .run({
            eachMessage: async ({ message }) => {
              records.push({
                key: message.key as Buffer,
                value: message.value as Buffer,
                headers: message.headers as Record<string, Buffer>,
              })
              if (records.length === 2) resolve()
            },
          })
          .catch(reject)
      })
    } finally {
      await raw.disconnect()
    }
    const [header, prefix] = records as [(typeof records)[0], (typeof records)[0]]
    // Header form: bare Avro as value and key, the GUIDs in __value_schema_id / __key_schema_id.
    expect(header.headers.__value_schema_id?.[0]).toBe(1)
    expect(header.headers.__key_schema_id?.[0]).toBe(1)
    expect(header.value[0]).not.toBe(1)
    // Prefix form: magic byte 1 and 16 GUID bytes before the payload, no schema headers.
    expect(prefix.value[0]).toBe(1)
    expect(prefix.value.subarray(1, 17).equals(header.headers.__value_schema_id?.subarray(1) as Buffer)).toBe(
      true,
    )
    expect(prefix.headers.__value_schema_id).toBeUndefined()

    const client = new SchemaRegistryClient({ baseURLs: [registry.url], maxRetries: 0 })
    try {
      const values = new AvroDeserializer(client, SerdeType.VALUE, {})
      const keys = new AvroDeserializer(client, SerdeType.KEY, {})
      expect(await values.deserialize(t.payments.name, header.value, header.headers)).toEqual({
        ...first.value,
        tags: [],
      })
      expect(await keys.deserialize(t.payments.name, header.key, header.headers)).toEqual(first.key)
      expect(await values.deserialize(t.payments.name, prefix.value)).toEqual({ ...second.value, tags: [] })
      expect(await keys.deserialize(t.payments.name, prefix.key)).toEqual(second.key)
    } finally {
      await client.close()
    }
  })

  it('refuses a GUID format when the registry answers no GUID, before sending anything', async () => {
    const plain = {
      ...registry.client,
      register: async (subject: string, schema: { schema: string }) => ({
        id: (await registry.client.register(subject, schema)).id,
      }),
      lookup: async (subject: string, schema: { schema: string }) => {
        const { id, version } = await registry.client.lookup(subject, schema)
        return { id, version }
      },
      getSchemaById: (id: number) => registry.client.getSchemaById(id),
      getVersion: (subject: string, v: number | 'latest') => registry.client.getVersion(subject, v),
      testCompatibility: (subject: string, schema: { schema: string }) =>
        registry.client.testCompatibility(subject, schema),
      getConfig: (subject?: string) => registry.client.getConfig(subject),
    }
    const producer = createProducer({ brokers, registry: plain, schemaIdFormat: 'guid-prefix' })
    try {
      await expect(producer.send(t.payments, second)).rejects.toMatchObject({
        code: 'KAFKIT_INVALID_OPTIONS',
        message: expect.stringMatching(/needs the schema's GUID/),
      })
    } finally {
      await producer.disconnect()
    }
  })
})
