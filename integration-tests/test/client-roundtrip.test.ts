import { createConsumer, createProducer } from '@kafkit/client'
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

describe('typed producer and consumer against a real broker and registry', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const t = makeTopics(s)
  let registry: TestRegistry
  let dropTopics: () => Promise<void>

  beforeAll(async () => {
    registry = await startTestRegistry()
    dropTopics = await createTopics(brokers, [
      { topic: t.orders, partitions: 3 },
      { topic: t.payments, partitions: 2 },
      { topic: t.customers, partitions: 4 },
    ])
  })
  afterAll(async () => {
    await dropTopics?.()
    await registry?.close()
  })

  it('round-trips typed records on several topics at once', async () => {
    const producer = createProducer({
      brokers,
      registry: registry.client,
      topics: [t.orders, t.payments, t.customers],
    })
    try {
      const sent = await producer.sendBatch(t.orders.name, [
        { key: 'o-1', value: { id: 'o-1', amount: 10.5, customerId: 'c-1' } },
        { key: 'o-2', value: { id: 'o-2', amount: 20, customerId: 'c-2', note: 'gift' } },
      ])
      expect(sent.map((m) => m.offset)).toEqual(expect.arrayContaining([expect.any(String)]))
      await producer.send(t.payments, {
        key: { paymentId: 'p-1' },
        value: { paymentId: 'p-1', cents: 2 ** 40, method: 'CARD' },
        headers: { trace: 'abc' },
      })
      await producer.send(t.customers, { value: { customerId: 'c-1', kind: 'signup' } })
    } finally {
      await producer.disconnect()
    }

    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-rt`,
      topics: [t.orders, t.payments, t.customers],
      fromBeginning: true,
    })
    const got = await collect(consumer, 4)
    const byTopic = (name: string) => got.filter((m) => m.topic === name)
    const orders = got.flatMap((m) => (m.topic === t.orders.name ? [m.value] : []))
    expect(orders.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'o-1', amount: 10.5, customerId: 'c-1', note: null },
      { id: 'o-2', amount: 20, customerId: 'c-2', note: 'gift' },
    ])
    const payment = byTopic(t.payments.name)[0]!
    expect(payment.key).toEqual({ paymentId: 'p-1' })
    expect(payment.value).toEqual({ paymentId: 'p-1', cents: 2 ** 40, method: 'CARD', tags: [] })
    expect(payment.headers.trace?.toString()).toBe('abc')
    expect(payment.valueSchemaId).toEqual(expect.any(Number))
    const customer = byTopic(t.customers.name)[0]!
    expect(customer.key).toBeNull()
    expect(customer.value).toEqual({ customerId: 'c-1', kind: 'signup' })
    for (const m of got) {
      expect(m.timestamp).toMatch(/^\d+$/)
      expect(m.offset).toMatch(/^\d+$/)
    }
    // Subjects registered under TopicNameStrategy.
    const subjects = await registry.client.listSubjects()
    expect(subjects).toEqual(
      expect.arrayContaining([
        `orders-${s}-value`,
        `payments-${s}-key`,
        `payments-${s}-value`,
        `customers-${s}-value`,
      ]),
    )
  })

  it('reads v1-written records as the v2 reader type (schema evolution)', async () => {
    // `kafka` also takes an existing kafkajs client, wrapped in the kafkajs engine.
    const producer = createProducer({
      kafka: new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }),
      registry: registry.client,
    })
    try {
      await producer.send(t.orders, { key: 'evo-1', value: { id: 'evo-1', amount: 1, customerId: 'c-9' } })
    } finally {
      await producer.disconnect()
    }
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-evo`,
      topics: [t.ordersV2],
      fromBeginning: true,
    })
    const got = await collect(consumer, 3)
    const evo = got.find((m) => m.key === 'evo-1')!
    expect(evo.value).toEqual({ id: 'evo-1', amount: 1, customerId: 'c-9', note: null, currency: 'EUR' })
  })

  it('rejects a wrong payload before sending anything', async () => {
    const s2 = suffix()
    const t2 = makeTopics(s2)
    const drop = await createTopics(brokers, [{ topic: t2.orders, partitions: 1 }])
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      // @ts-expect-error amount must be a number: rejected at compile time, and at run time below
      const bad = producer.sendBatch(t2.orders, [
        { key: 'ok', value: { id: 'ok', amount: 1, customerId: 'c' } },
        { key: 'bad', value: { id: 'bad', amount: 'ten', customerId: 'c' } },
      ])
      await expect(bad).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_VALIDATION_FAILED',
        details: { topic: t2.orders.name, side: 'value', issues: [{ path: 'amount' }] },
      })
      await expect(bad).rejects.toThrow(/amount/)
      // Nothing was sent, not even the valid record: the topic holds only the sentinel sent next.
      await producer.send(t2.orders, { key: 'sentinel', value: { id: 's', amount: 0, customerId: 'c' } })
    } finally {
      await producer.disconnect()
    }
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s2}`,
      topics: [t2.orders],
      fromBeginning: true,
    })
    const got = await collect(consumer, 1)
    expect(got.map((m) => m.key)).toEqual(['sentinel'])
    // The offset of the sentinel is 0: no earlier record exists on the topic.
    expect(got[0]!.offset).toBe('0')
    await drop()
  })

  it('refuses a topic that does not exist with a typed error, and keeps record timestamps', async () => {
    const missing = makeTopics(suffix()).orders
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      await expect(
        producer.send(missing, { key: 'k', value: { id: 'x', amount: 1, customerId: 'c' } }),
      ).rejects.toMatchObject({ code: 'KAFKIT_CLIENT_TOPIC_NOT_FOUND', details: { topic: missing.name } })
      await producer.send(t.customers, {
        value: { customerId: 'c-ts', kind: 'stamped' },
        timestamp: new Date('2024-01-02T03:04:05.000Z'),
        headers: { source: Buffer.from([1, 2]) },
      })
    } finally {
      await producer.disconnect()
    }
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-ts`,
      topics: [t.customers],
      fromBeginning: true,
    })
    const got = await collect(consumer, 2)
    const stamped = got.find((m) => m.value.kind === 'stamped')!
    expect(stamped.timestamp).toBe(String(Date.parse('2024-01-02T03:04:05.000Z')))
    expect(stamped.headers.source).toEqual(Buffer.from([1, 2]))
  })
})
