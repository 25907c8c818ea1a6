import { createConsumer, createKafkajsEngine, createTopicAdmin } from '@kafkit/client'
import { type ExampleContext, waitFor } from 'kafkit-example-support'
import { CarrierApi } from './carrier'
import type { com_kafkit_ops, com_kafkit_orders } from './generated'
import { type OrderStatus, OrdersService } from './orders-service'
import { ShippingService } from './shipping-service'
import { orderServiceTopics } from './topics'

export interface OrderServiceResult {
  readonly status: Record<string, OrderStatus>
  readonly shipments: { orderId: string; carrier: string; attempts: number; handledBy: string }[]
  readonly deadLetters: (Omit<com_kafkit_ops.DeadLetter, 'originalValue'> & {
    key: string
    originalValue: string | null
  })[]
  readonly carrierCalls: number
}

const placedAt = new Date('2026-01-15T09:30:00Z')
const order = (
  orderId: string,
  customerId: string,
  country: string,
  total: string,
): com_kafkit_orders.OrderPlacedInput => ({
  orderId,
  customerId,
  items: [{ sku: `sku-${orderId}`, quantity: 1 }],
  shipTo: { city: 'Somewhere', country },
  total,
  placedAt,
})

/** The orders the example places: four deliverable, one to a country no carrier serves. */
export const ORDERS = [
  order('o-1', 'c-ada', 'NL', '19.99'),
  order('o-2', 'c-alan', 'DE', '5.00'),
  order('o-3', 'c-grace', 'US', '120.50'),
  order('o-4', 'c-ada', 'BE', '42.00'),
  order('o-5', 'c-edsger', 'AQ', '7.25'),
]

/**
 * Two services over typed topics. Orders publishes OrderPlaced; two shipping instances share the
 * orders topic as one consumer group, book a carrier with retries (its API is down for the first
 * two calls) and publish ShipmentCreated; orders follows shipments. An order to Antarctica and a
 * record that is not even Avro end up on the dead-letter topic, which an ops group reads.
 */
export async function main({
  brokers,
  registryUrl,
  runId,
  log,
}: ExampleContext): Promise<OrderServiceResult> {
  const topics = orderServiceTopics(runId)
  const admin = createTopicAdmin({
    brokers,
    topics: [
      { topic: topics.orders, partitions: 3 },
      { topic: topics.shipments, partitions: 3 },
      { topic: topics.dlt, partitions: 1, retentionMs: 14 * 24 * 3600_000 },
    ],
  })
  await admin.ensureTopics()
  const carrier = new CarrierApi({ outages: 2 })
  const shipping = ['shipping-a', 'shipping-b'].map(
    (instance) =>
      new ShippingService({
        brokers,
        registryUrl,
        groupId: `shipping-${runId}`,
        instance,
        topics,
        carrier,
        retry: { attempts: 4, backoffMs: 100 },
        log,
      }),
  )
  const orders = new OrdersService({ brokers, registryUrl, groupId: `orders-${runId}`, topics })
  const deadLetters: OrderServiceResult['deadLetters'] = []
  const ops = createConsumer({
    brokers,
    registry: registryUrl,
    groupId: `ops-${runId}`,
    topics: [topics.dlt],
    fromBeginning: true,
  })
  const running = [...shipping, orders, ops]
  try {
    await Promise.all([...shipping.map((s) => s.start()), orders.start()])
    await ops.run({
      eachMessage: ({ key, value }) => {
        deadLetters.push({ ...value, key, originalValue: value.originalValue?.toString('utf8') ?? null })
        log?.(`ops: dead letter for key '${key}': ${value.errorCode} (${value.reason})`)
      },
    })
    for (const o of ORDERS) await orders.placeOrder(o)
    log?.(`orders: placed ${ORDERS.length} orders`)

    // A producer that skips Kafkit writes bytes no schema describes.
    const raw = createKafkajsEngine({ brokers }).producer({
      idempotent: false,
      acks: -1,
      retries: 3,
      timeoutMs: 30_000,
      compression: 'none',
    })
    await raw.connect()
    await raw.send([
      {
        topic: topics.orders.name,
        messages: [{ key: Buffer.from('c-legacy'), value: Buffer.from('order;o-6;NL'), partition: 0 }],
      },
    ])
    await raw.disconnect()
    log?.('legacy system: wrote one CSV line to the orders topic')

    await waitFor(
      '4 shipments and 2 dead letters',
      () => orders.shipments.size === 4 && deadLetters.length === 2,
      { failOn: running.map((r) => r.whenStopped()) },
    )
    return {
      status: Object.fromEntries([...orders.status].sort(([a], [b]) => a.localeCompare(b))),
      shipments: [...orders.shipments.values()]
        .map(({ orderId, carrier, attempts, handledBy }) => ({ orderId, carrier, attempts, handledBy }))
        .sort((a, b) => a.orderId.localeCompare(b.orderId)),
      deadLetters: deadLetters.sort((a, b) => a.key.localeCompare(b.key)),
      carrierCalls: carrier.calls,
    }
  } finally {
    await Promise.allSettled(running.map((r) => r.stop()))
    await admin.deleteTopics().catch(() => {})
    await admin.disconnect()
  }
}
