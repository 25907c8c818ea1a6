import { createGroupConsumer, createProducer, type GroupConsumer, type Producer } from '@kafkit/client'
import type { CarrierApi } from './carrier'
import type { OrderServiceTopics } from './topics'

export interface ShippingServiceOptions {
  readonly brokers: string[]
  readonly registryUrl: string
  readonly groupId: string
  /** This instance's name; instances with the same groupId share the orders topic's partitions. */
  readonly instance: string
  readonly topics: OrderServiceTopics
  readonly carrier: CarrierApi
  readonly log?: ((line: string) => void) | undefined
}

/**
 * One shipping-service instance: a member of the `groupId` group on `orders`, run by Kafkit's group
 * consumer. For each order it books a carrier and publishes a ShipmentCreated. A carrier timeout
 * throws, and the group consumer retries the record in place with backoff; a refusal (FatalError)
 * and a record that cannot even be decoded go to `orders-<runId>-dlt` with provenance headers.
 */
export class ShippingService {
  readonly #o: ShippingServiceOptions
  readonly #consumer: GroupConsumer<readonly [OrderServiceTopics['orders']]>
  readonly #producer: Producer<readonly [OrderServiceTopics['shipments']]>
  /** Orders already shipped: redelivery after a rebalance (at-least-once) must not ship twice. */
  readonly #shipped = new Set<string>()

  constructor(options: ShippingServiceOptions) {
    this.#o = options
    this.#producer = createProducer({
      brokers: options.brokers,
      registry: options.registryUrl,
      clientId: `shipping-${options.instance}`,
      topics: [options.topics.shipments] as const,
    })
    this.#consumer = createGroupConsumer({
      brokers: options.brokers,
      registry: options.registryUrl,
      clientId: `shipping-${options.instance}`,
      groupId: options.groupId,
      topics: [options.topics.orders],
      fromBeginning: true,
      // 4 calls in all, 100 ms then 200 ms then 400 ms apart; then the dead-letter topic.
      retry: { attempts: 4, backoff: { initialMs: 100, multiplier: 2, jitter: 'none' } },
      deadLetter: true,
    })
  }

  start(): Promise<void> {
    const { topics, carrier, instance, log } = this.#o
    return this.#consumer.run({
      eachMessage: async ({ value: order }, { delivery }) => {
        if (this.#shipped.has(order.orderId)) return
        let booking: Awaited<ReturnType<CarrierApi['book']>>
        try {
          booking = await carrier.book(order)
        } catch (error) {
          log?.(
            `${instance}: ${order.orderId} attempt ${delivery.attempt} failed (${(error as Error).message})`,
          )
          throw error
        }
        await this.#producer.send(topics.shipments, {
          key: order.orderId,
          value: {
            shipmentId: `shp-${order.orderId}`,
            orderId: order.orderId,
            carrier: booking.carrier,
            trackingCode: booking.trackingCode,
            attempts: delivery.attempt,
            handledBy: instance,
          },
        })
        this.#shipped.add(order.orderId)
        log?.(`${instance}: shipped ${order.orderId} with ${booking.carrier} (attempt ${delivery.attempt})`)
      },
    })
  }

  /** Records this instance dead-lettered so far. */
  get deadLettered(): number {
    return this.#consumer.metrics().deadLettered
  }

  async whenStopped(): Promise<void> {
    await this.#consumer.whenStopped()
  }

  async stop(): Promise<void> {
    await this.#consumer.stop()
    await this.#producer.disconnect()
  }
}
