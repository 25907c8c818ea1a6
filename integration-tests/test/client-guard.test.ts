import { createConsumer, createProducer, SchemaRefusedError } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  makeTopics,
  orderV2Schema,
  payment,
  paymentKey,
  topic,
} from '../../packages/client/test/fixtures/descriptors'
import {
  collect,
  createTopics,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

describe('publish guard and subject name strategies (real registry, real broker)', () => {
  const brokers = inject('kafkaBrokers')
  let registry: TestRegistry
  const cleanups: (() => Promise<void>)[] = []

  beforeAll(async () => {
    registry = await startTestRegistry()
  })
  afterAll(async () => {
    for (const c of cleanups) await c()
    await registry?.close()
  })

  async function topicsFor(s: string) {
    const t = makeTopics(s)
    cleanups.push(
      await createTopics(brokers, [
        { topic: t.orders, partitions: 1 },
        { topic: t.payments, partitions: 1 },
      ]),
    )
    return t
  }

  it('autoRegister refuses an incompatible schema with subject, level and reasons; nothing is sent', async () => {
    const s = suffix()
    const t = await topicsFor(s)
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      await producer.send(t.orders, { key: 'k', value: { id: '1', amount: 1, customerId: 'c' } })
      const refused = producer.send(t.ordersBroken, {
        key: 'k',
        value: { id: '2', amount: 2, customerId: 'c', mandatory: 1 },
      })
      await expect(refused).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_SCHEMA_REFUSED',
        details: { subject: `orders-${s}-value`, compatibilityLevel: 'BACKWARD', reason: 'incompatible' },
      })
      const error = (await refused.catch((e: unknown) => e)) as SchemaRefusedError
      expect(error).toBeInstanceOf(SchemaRefusedError)
      expect(error).toMatchObject({ subject: `orders-${s}-value`, version: 1, level: 'BACKWARD' })
      // Refusals as data: each broken rule with its JSON pointer and how to fix the schema.
      expect(error.reasons).toEqual([
        {
          type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
          path: expect.stringMatching(/^\/fields\/\d+$/),
          message: expect.stringContaining("'mandatory'"),
          hint: expect.stringContaining("give the new field 'mandatory' a default"),
        },
      ])
      // The message stays short: no schema text, no registry settings, but the fix.
      expect(error.message).toContain(`orders-${s}-value`)
      expect(error.message).toContain('BACKWARD against version 1')
      expect(error.message).toContain('fix: ')
      expect(error.message).not.toMatch(/oldSchema|validateFields|"fields"/)
      expect(error.message.length).toBeLessThan(500)
    } finally {
      await producer.disconnect()
    }
    // Only the first schema is registered, and only the first record was written.
    expect(await registry.client.listVersions(`orders-${s}-value`)).toEqual([1])
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}`,
      topics: [t.orders],
      fromBeginning: true,
    })
    const got = await collect(consumer, 1)
    expect(got.map((m) => m.value.id)).toEqual(['1'])
  })

  it('strict mode (autoRegister false) refuses an unregistered schema, then accepts it once registered', async () => {
    const s = suffix()
    const t = await topicsFor(s)
    const subject = `orders-${s}-value`
    const strict = createProducer({ brokers, registry: registry.client, autoRegister: false })
    try {
      await expect(
        strict.send(t.orders, { key: 'k', value: { id: '1', amount: 1, customerId: 'c' } }),
      ).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_SCHEMA_REFUSED',
        details: { subject, reason: 'not-registered', mode: 'strict' },
      })
      // The guard never registers or changes config in strict mode.
      await expect(registry.client.listVersions(subject)).rejects.toMatchObject({ httpStatus: 404 })
      const { id } = await registry.client.register(subject, {
        schema: JSON.stringify(t.orders.value.schema),
      })
      const meta = await strict.send(t.orders, { key: 'k', value: { id: '1', amount: 1, customerId: 'c' } })
      expect(meta.valueSchemaId).toBe(id)
    } finally {
      await strict.disconnect()
    }
    await expect(registry.client.getConfig(subject)).rejects.toMatchObject({ httpStatus: 404 })
  })

  it('useLatest writes with the latest compatible version, readable as that version', async () => {
    const s = suffix()
    const t = await topicsFor(s)
    const subject = `orders-${s}-value`
    const { id: v2Id } = await registry.client.register(subject, { schema: JSON.stringify(orderV2Schema) })
    const producer = createProducer({
      brokers,
      registry: registry.client,
      autoRegister: false,
      useLatest: true,
    })
    try {
      const meta = await producer.send(t.orders, { key: 'k', value: { id: '1', amount: 1, customerId: 'c' } })
      expect(meta.valueSchemaId).toBe(v2Id)
    } finally {
      await producer.disconnect()
    }
    expect(await registry.client.listVersions(subject)).toEqual([1])
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}`,
      topics: [t.ordersV2],
      fromBeginning: true,
    })
    const [m] = await collect(consumer, 1)
    expect(m!.valueSchemaId).toBe(v2Id)
    expect(m!.value).toEqual({ id: '1', amount: 1, customerId: 'c', note: null, currency: 'EUR' })
  })

  it('registers the subjects each strategy names', async () => {
    const s = suffix()
    const byRecord = topic(`pay-rec-${s}`, paymentKey, payment, { strategy: 'record' })
    const byTopicRecord = topic(`pay-trec-${s}`, paymentKey, payment, { strategy: 'topic-record' })
    const byTopic = topic(`pay-topic-${s}`, paymentKey, payment)
    cleanups.push(
      await createTopics(brokers, [
        { topic: byRecord, partitions: 1 },
        { topic: byTopicRecord, partitions: 1 },
        { topic: byTopic, partitions: 1 },
      ]),
    )
    const before = new Set(await registry.client.listSubjects())
    const producer = createProducer({ brokers, registry: registry.client })
    const record = { key: { paymentId: 'p' }, value: { paymentId: 'p', cents: 1, method: 'CASH' as const } }
    try {
      await producer.send(byRecord, record)
      await producer.send(byTopicRecord, record)
      await producer.send(byTopic, record)
    } finally {
      await producer.disconnect()
    }
    const added = (await registry.client.listSubjects()).filter((x) => !before.has(x)).sort()
    expect(added).toEqual(
      [
        'com.example.Payment',
        'com.example.PaymentKey',
        `pay-topic-${s}-key`,
        `pay-topic-${s}-value`,
        `pay-trec-${s}-com.example.Payment`,
        `pay-trec-${s}-com.example.PaymentKey`,
      ].sort(),
    )
    // The consumer resolves the writer schema by id, whatever the subject.
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}`,
      topics: [byRecord, byTopicRecord],
      fromBeginning: true,
    })
    const got = await collect(consumer, 2)
    expect(got.map((m) => m.value.paymentId)).toEqual(['p', 'p'])
  })
})
