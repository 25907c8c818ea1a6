import { RegistryClient } from '@kafkit/registry-client'
import { describe, expectTypeOf, it } from 'vitest'
import { createExactlyOnceTransformer, createGroupConsumer, type DrainReport } from '../../src/index'
import { makeTopics, topic } from '../fixtures/descriptors'

const t = makeTopics('types')
const orders = topic('orders', t.orders.key, t.orders.value)
const payments = topic('payments', t.payments.key, t.payments.value)
const registry = new RegistryClient({ url: 'http://127.0.0.1:8081' })

describe('group consumer types', () => {
  it('hands the handler a union discriminated by topic, and stop() a DrainReport', () => {
    const c = createGroupConsumer({
      brokers: ['127.0.0.1:9092'],
      registry,
      groupId: 'g',
      topics: [orders, payments],
    })
    c.run({
      eachMessage: (m, ctx) => {
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>()
        expectTypeOf(ctx.delivery.attempt).toEqualTypeOf<number>()
        if (m.topic === 'orders') {
          expectTypeOf(m.value.amount).toEqualTypeOf<number>()
          // @ts-expect-error orders have no cents
          m.value.cents
        } else {
          expectTypeOf(m.key.paymentId).toEqualTypeOf<string>()
        }
      },
    })
    expectTypeOf(c.stop()).toEqualTypeOf<Promise<DrainReport>>()
  })

  it('types the exactly-once transformer on both sides', () => {
    createExactlyOnceTransformer({
      brokers: ['127.0.0.1:9092'],
      registry,
      groupId: 'g',
      from: [orders],
      to: [payments],
      transform: async (m, out) => {
        expectTypeOf(m.value.customerId).toEqualTypeOf<string>()
        await out.send(payments, {
          key: { paymentId: m.value.id },
          value: { paymentId: m.value.id, cents: 1, method: 'CARD' },
        })
        await out.send(payments, {
          key: { paymentId: 'p' },
          // @ts-expect-error method must be CARD or CASH
          value: { paymentId: 'p', cents: 1, method: 'IOU' },
        })
        // @ts-expect-error orders is not an output topic
        await out.send(orders, { key: 'k', value: { id: 'o', amount: 1, customerId: 'c' } })
      },
    })
  })
})
