import { type Consumer, createConsumer, createProducer, type Producer } from '@kafkit/client'
import type { com_kafkit_orders, com_kafkit_shipping } from './generated'
import type { OrderServiceTopics } from './topics'

export type OrderStatus = 'PLACED' | 'SHIPPED'

/**
 * The orders service: publishes OrderPlaced, and follows `shipments` (its own consumer group) to
 * know which orders left the warehouse.
 */
export class OrdersService {
  readonly #producer: Producer<readonly [OrderServiceTopics['orders']]>
  readonly #topics: OrderServiceTopics
  readonly #consumer: Consumer<readonly [OrderServiceTopics['shipments']]>
  readonly status = new Map<string, OrderStatus>()
  readonly shipments = new Map<string, com_kafkit_shipping.ShipmentCreated>()

  constructor(options: {
    brokers: string[]
    registryUrl: string
    groupId: string
    topics: OrderServiceTopics
  }) {
    this.#producer = createProducer({
      brokers: options.brokers,
      registry: options.registryUrl,
      clientId: 'orders-service',
      topics: [options.topics.orders] as const,
    })
    this.#topics = options.topics
    this.#consumer = createConsumer({
      brokers: options.brokers,
      registry: options.registryUrl,
      groupId: options.groupId,
      topics: [options.topics.shipments],
      fromBeginning: true,
    })
  }

  start(): Promise<void> {
    return this.#consumer.run({
      eachMessage: ({ value: shipment }) => {
        // First shipment wins: a redelivered duplicate changes nothing.
        if (this.shipments.has(shipment.orderId)) return
        this.shipments.set(shipment.orderId, shipment)
        this.status.set(shipment.orderId, 'SHIPPED')
      },
    })
  }

  /** Keyed by customer: one customer's orders stay in one partition, in order. */
  async placeOrder(order: com_kafkit_orders.OrderPlacedInput): Promise<void> {
    await this.#producer.send(this.#topics.orders, { key: order.customerId, value: order })
    this.status.set(order.orderId, 'PLACED')
  }

  whenStopped(): Promise<void> {
    return this.#consumer.whenStopped()
  }

  async stop(): Promise<void> {
    await this.#consumer.stop()
    await this.#producer.disconnect()
  }
}
