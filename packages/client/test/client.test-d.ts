import { RegistryClient } from '@kafkit/registry-client'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type ConsumerMessage,
  createConsumer,
  createProducer,
  type ProducerRecord,
  type RecordMetadata,
  type SchemaRegistry,
} from '../src/index'
import { customerEvent, makeTopics, nullKey, topic } from './fixtures/descriptors'

const t = makeTopics('types')
const orders = topic('orders', t.orders.key, t.orders.value)
const payments = topic('payments', t.payments.key, t.payments.value)
const customers = topic('customers', nullKey, customerEvent)
const registry = new RegistryClient({ url: 'http://127.0.0.1:8081' })

describe('producer types', () => {
  const producer = createProducer({
    brokers: ['127.0.0.1:9092'],
    registry,
    topics: [orders, payments, customers],
  })

  it('accepts the input type of each topic', () => {
    expectTypeOf(
      producer.send(orders, { key: 'k', value: { id: 'o', amount: 1, customerId: 'c' } }),
    ).toEqualTypeOf<Promise<RecordMetadata>>()
    // By name, for topics the producer was created with; fields with defaults may be omitted.
    producer.send('payments', {
      key: { paymentId: 'p' },
      value: { paymentId: 'p', cents: 1, method: 'CARD' },
    })
    producer.send('customers', { value: { customerId: 'c', kind: 'x' } })
  })

  it('rejects wrong payloads at compile time', () => {
    // @ts-expect-error amount is a number
    producer.send(orders, { key: 'k', value: { id: 'o', amount: '1', customerId: 'c' } })
    // @ts-expect-error customerId is required
    producer.send(orders, { key: 'k', value: { id: 'o', amount: 1 } })
    // @ts-expect-error the key of orders is a string
    producer.send(orders, { key: 1, value: { id: 'o', amount: 1, customerId: 'c' } })
    // @ts-expect-error a payments value on the orders topic
    producer.send('orders', { key: 'k', value: { paymentId: 'p', cents: 1, method: 'CARD' } })
    // @ts-expect-error method is an enum
    producer.send('payments', {
      key: { paymentId: 'p' },
      value: { paymentId: 'p', cents: 1, method: 'CHEQUE' },
    })
    // @ts-expect-error unknown topic name
    producer.send('nope', { key: 'k', value: {} })
    // @ts-expect-error customers has no key
    producer.send('customers', { key: 'k', value: { customerId: 'c', kind: 'x' } })
    // @ts-expect-error one bad record fails the batch type
    producer.sendBatch(orders, [{ key: 'k', value: { id: 'o', amount: 1, customerId: 'c', extra: 1 } }])
  })

  it('types custom partitioners with the topic value', () => {
    createProducer({
      brokers: ['127.0.0.1:9092'],
      topics: [orders],
      partitioners: {
        orders: ({ value, key }) => {
          expectTypeOf(value.amount).toEqualTypeOf<number>()
          expectTypeOf(key).toEqualTypeOf<string>()
          return 0
        },
      },
    })
    expectTypeOf<ProducerRecord<typeof customers>>().toHaveProperty('value')
  })
})

describe('consumer types', () => {
  it('hands out a union discriminated by topic', () => {
    const consumer = createConsumer({
      brokers: ['127.0.0.1:9092'],
      registry,
      groupId: 'g',
      topics: [orders, payments],
    })
    void consumer.run({
      eachMessage: async (m) => {
        expectTypeOf(m).toEqualTypeOf<ConsumerMessage<typeof orders> | ConsumerMessage<typeof payments>>()
        if (m.topic === 'orders') {
          expectTypeOf(m.key).toEqualTypeOf<string>()
          expectTypeOf(m.value.note).toEqualTypeOf<string | null>()
        } else {
          expectTypeOf(m.key).toEqualTypeOf<{ paymentId: string }>()
          expectTypeOf(m.value.tags).toEqualTypeOf<string[]>()
        }
        // @ts-expect-error payments has no amount; not narrowed yet
        m.value.amount
      },
    })
  })
})

describe('registry seam', () => {
  it('RegistryClient satisfies SchemaRegistry', () => {
    expectTypeOf(registry).toExtend<SchemaRegistry>()
  })
})
