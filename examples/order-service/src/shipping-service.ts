import {
  type Consumer,
  createConsumer,
  createProducer,
  type InvalidRecord,
  type Producer,
} from '@kafkit/client'
import type { CarrierApi } from './carrier'
import { type RetryOptions, withRetries } from './retry'
import type { OrderServiceTopics } from './topics'

export interface ShippingServiceOptions {
  readonly brokers: string[]
  readonly registryUrl: string
  readonly groupId: string
  /** This instance's name; instances with the same groupId share the orders topic's partitions. */
  readonly instance: string
  readonly topics: OrderServiceTopics
  readonly carrier: CarrierApi
  readonly retry: RetryOptions
  readonly log?: ((line: string) => void) | undefined
}

/**
 * One shipping-service instance: a member of the `groupId` consumer group on `orders`. For each
 * order it books a carrier (retrying transient failures) and publishes a ShipmentCreated; orders
 * it cannot ship, and records it cannot even decode, go to the dead-letter topic.
 */
export class ShippingService {
  readonly #o: ShippingServiceOptions
  readonly #consumer: Consumer<readonly [OrderServiceTopics['orders']]>
  /** Sends shipments and dead letters. */
  readonly #producer: Producer<readonly [OrderServiceTopics['shipments'], OrderServiceTopics['dlt']]>
  /** Orders already shipped: redelivery after a rebalance (at-least-once) must not ship twice. */
  readonly #shipped = new Set<string>()
  handled = 0

  constructor(options: ShippingServiceOptions) {
    this.#o = options
    this.#producer = createProducer({
      brokers: options.brokers,
      registry: options.registryUrl,
      clientId: `shipping-${options.instance}`,
      topics: [options.topics.shipments, options.topics.dlt] as const,
    })
    this.#consumer = createConsumer({
      brokers: options.brokers,
      registry: options.registryUrl,
      clientId: `shipping-${options.instance}`,
      groupId: options.groupId,
      topics: [options.topics.orders],
      fromBeginning: true,
      onInvalid: 'dead-letter',
      deadLetter: (record) => this.#deadLetterUndecodable(record),
    })
  }

  start(): Promise<void> {
    const { topics, carrier, retry, instance, log } = this.#o
    const producer = this.#producer
    return this.#consumer.run({
      eachMessage: async (message, context) => {
        const order = message.value
        this.handled += 1
        if (this.#shipped.has(order.orderId)) return
        const outcome = await withRetries(() => carrier.book(order), {
          ...retry,
          onRetry: async (attempt, error) => {
            log?.(`${instance}: ${order.orderId} attempt ${attempt} failed (${error.message}), retrying`)
            await context.heartbeat()
          },
        })
        if (!outcome.ok) {
          const code = 'code' in outcome.error ? String(outcome.error.code) : 'RETRIES_EXHAUSTED'
          log?.(
            `${instance}: ${order.orderId} dead-lettered after ${outcome.attempts} attempt(s): ${outcome.error.message}`,
          )
          await producer.send(topics.dlt, {
            key: message.key,
            value: {
              topic: message.topic,
              partition: message.partition,
              offset: message.offset,
              group: this.#o.groupId,
              errorCode: code,
              reason: outcome.error.message,
              attempts: outcome.attempts,
              decodedValue: JSON.stringify(order),
            },
          })
          return
        }
        await producer.send(topics.shipments, {
          key: order.orderId,
          value: {
            shipmentId: `shp-${order.orderId}`,
            orderId: order.orderId,
            carrier: outcome.value.carrier,
            trackingCode: outcome.value.trackingCode,
            attempts: outcome.attempts,
            handledBy: instance,
          },
        })
        this.#shipped.add(order.orderId)
        log?.(
          `${instance}: shipped ${order.orderId} with ${outcome.value.carrier} (attempts: ${outcome.attempts})`,
        )
      },
    })
  }

  whenStopped(): Promise<void> {
    return this.#consumer.whenStopped()
  }

  async stop(): Promise<void> {
    await this.#consumer.stop()
    await this.#producer.disconnect()
  }

  async #deadLetterUndecodable(record: InvalidRecord): Promise<void> {
    this.#o.log?.(
      `${this.#o.instance}: undecodable record at offset ${record.offset} dead-lettered (${record.error.code})`,
    )
    await this.#producer.send(this.#o.topics.dlt, {
      key: record.key?.toString('utf8') ?? '',
      value: {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        group: this.#o.groupId,
        errorCode: record.error.code,
        reason: record.error.message,
        attempts: 0,
        originalValue: record.value,
      },
    })
  }
}
