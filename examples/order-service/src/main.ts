import { createConsumer, createTopicAdmin, DLT_HEADERS } from '@kafkit/client'
import { createKafkajsEngine } from '@kafkit/client/engine'
import type { BytesSerdeDescriptor, TopicDescriptor } from '@kafkit/common'
import { type ExampleContext, waitFor } from 'kafkit-example-support'
import { CarrierApi } from './carrier'
import type { com_kafkit_orders } from './generated'
import { type OrderStatus, OrdersService } from './orders-service'
import { ShippingService } from './shipping-service'
import { orderServiceTopics } from './topics'

export interface OrderServiceResult {
  readonly status: Record<string, OrderStatus>
  readonly shipments: { orderId: string; carrier: string; attempts: number; handledBy: string }[]
  /** What the ops group read from the dead-letter topic, sorted by key. */
  readonly deadLetters: {
    key: string
    stage: string
    errorClass: string
    errorCode: string | undefined
    reason: string
    attempts: number
    originalTopic: string
    /** The record's bytes as text when they are not Confluent Avro (schemaId undefined). */
    text: string | undefined
    schemaId: number | undefined
  }[]
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
 * orders topic as one consumer group (Kafkit's group consumer), book a carrier whose API is down
 * for its first two calls (retried in place with backoff) and publish ShipmentCreated; orders
 * follows shipments. An order to Antarctica (refused: no retry helps) and a record that is not
 * even Avro end up on the dead-letter topic, which an ops group reads.
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
      // The group consumer creates the dead-letter topic; declared here so the run removes it too.
      { topic: topics.ordersDlt, partitions: 3 },
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
        log,
      }),
  )
  const orders = new OrdersService({ brokers, registryUrl, groupId: `orders-${runId}`, topics })
  const deadLetters: OrderServiceResult['deadLetters'] = []
  // Raw bytes both sides: dead letters keep the record exactly as it was read.
  const dlt: TopicDescriptor<string, BytesSerdeDescriptor, BytesSerdeDescriptor> = {
    name: topics.ordersDlt,
    key: { kind: 'bytes' },
    value: { kind: 'bytes' },
    subjectNameStrategy: 'topic',
    subjects: { key: undefined, value: undefined },
    partitionKey: undefined,
  }
  const ops = createConsumer({ brokers, groupId: `ops-${runId}`, topics: [dlt], fromBeginning: true })
  const running = [...shipping, orders, ops]
  try {
    // One after the other: the first creates the dead-letter topic, the second finds it.
    for (const s of shipping) await s.start()
    await orders.start()
    await ops.run({
      eachMessage: ({ key, value, headers }) => {
        const h = (name: string) => headers[name]?.toString('utf8')
        const schemaId = h(DLT_HEADERS.schemaId)
        deadLetters.push({
          key: key.toString('utf8'),
          stage: h(DLT_HEADERS.stage) ?? '',
          errorClass: h(DLT_HEADERS.errorClass) ?? '',
          errorCode: h(DLT_HEADERS.errorCode),
          reason: h(DLT_HEADERS.errorMessage) ?? '',
          attempts: Number(h(DLT_HEADERS.attempts)),
          originalTopic: h(DLT_HEADERS.originalTopic) ?? '',
          text: schemaId === undefined ? value.toString('utf8') : undefined,
          schemaId: schemaId === undefined ? undefined : Number(schemaId),
        })
        log?.(`ops: dead letter '${key}' (${h(DLT_HEADERS.stage)}): ${h(DLT_HEADERS.errorMessage)}`)
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
