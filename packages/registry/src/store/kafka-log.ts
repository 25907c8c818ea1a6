import { randomUUID } from 'node:crypto'
import {
  type Admin,
  type Consumer,
  Kafka,
  logLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from 'kafkajs'
import { RegistryApiError, RegistryStoreError } from '../errors'
import type { RegistryLogger } from '../server/types'
import type { LogRecord } from '../state/types'
import type { RegistryLog } from './types'

export interface KafkaRegistryLogOptions {
  brokers: string[]
  topic: string
  clientId: string
  replicationFactor?: number | undefined
  ssl?: boolean | undefined
  sasl?:
    | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
    | undefined
  logger: RegistryLogger
}

function isLogRecord(value: unknown): value is LogRecord {
  const v = value as LogRecord
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.proposalId === 'string' &&
    typeof v.command === 'object' &&
    v.command !== null &&
    typeof v.command.op === 'string'
  )
}

/**
 * Ordered-log design on one single-partition compacted topic: every write from any instance is
 * produced as a proposal; every instance consumes the whole topic in offset order and applies it
 * to its own state machine. Ids and versions are decided by log order, so they are identical on
 * every instance without a leader. Keys are unique proposal ids, so compaction never drops history.
 */
export class KafkaRegistryLog implements RegistryLog {
  readonly kind = 'kafka'
  readonly #options: KafkaRegistryLogOptions
  #kafka: Kafka
  #admin: Admin | undefined
  #producer: Producer | undefined
  #consumer: Consumer | undefined
  /** Offset of the next record this instance will apply. */
  #next = 0
  #waiters: Array<{ offset: number; resolve: () => void }> = []
  #closed = false
  #failure: Error | undefined

  get failure(): Error | undefined {
    return this.#failure
  }

  constructor(options: KafkaRegistryLogOptions) {
    this.#options = options
    const logger = options.logger
    this.#kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...(options.ssl ? { ssl: true } : {}),
      ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}),
      logLevel: logLevel.WARN,
      // A short, capped back-off that outlasts the fencing of a crashed broker (~9 s): with kafkajs'
      // default (5 retries from 300 ms) a write during a leader change fails as a store error.
      retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 15 },
      // kafkajs logs to the console by default; a library must not.
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...rest } = log
          const entry = { kafkajs: true, ...rest }
          if (level <= logLevel.ERROR) logger.warn(entry, String(message))
          else logger.debug?.(entry, String(message))
        },
    })
  }

  async start(onRecord: (record: LogRecord) => void): Promise<void> {
    const { topic, logger } = this.#options
    const admin = this.#kafka.admin()
    this.#admin = admin
    try {
      await admin.connect()
      await this.#ensureTopic(admin)
    } catch (cause) {
      if (cause instanceof RegistryStoreError) throw cause
      throw new RegistryApiError(
        'KAFKIT_REGISTRY_STORE_ERROR',
        `Cannot reach Kafka at ${this.#options.brokers.join(',')} to open topic '${topic}': ${(cause as Error).message}`,
        { cause },
      )
    }
    const high = await this.#highWatermark()

    const producer = this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    })
    this.#producer = producer
    await producer.connect()

    // A private group per instance: every instance must read every record, from the beginning.
    const consumer = this.#kafka.consumer({
      groupId: `kafkit-registry-${randomUUID()}`,
      allowAutoTopicCreation: false,
    })
    this.#consumer = consumer
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    // kafkajs restarts the consumer after retriable errors; anything else leaves this instance blind.
    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean }
      if (restart) {
        logger.warn({ topic, err: error }, 'registry log consumer crashed; kafkajs restarts it')
        return
      }
      this.#failure = error
      logger.error({ topic, err: error }, 'registry log consumer stopped; this instance cannot apply changes')
    })
    const caughtUp = this.#waitFor(high)
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const offset = Number(message.offset)
        if (message.value !== null) {
          let record: unknown
          try {
            record = JSON.parse(message.value.toString('utf8'))
          } catch {
            record = undefined
          }
          if (isLogRecord(record)) onRecord(record)
          else logger.warn({ topic, offset }, 'skipping a record that is not a kafkit registry change')
        }
        this.#advance(offset + 1)
      },
    })
    await caughtUp
  }

  async #ensureTopic(admin: Admin): Promise<void> {
    const { topic } = this.#options
    const existing = await admin.listTopics()
    if (!existing.includes(topic)) {
      const cluster = await admin.describeCluster()
      const replicationFactor = this.#options.replicationFactor ?? Math.min(3, cluster.brokers.length)
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic,
              numPartitions: 1,
              replicationFactor,
              configEntries: [
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) },
              ],
            },
          ],
        })
      } catch (error) {
        // Another instance created it at the same time: fine.
        if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error
      }
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] })
    const partitions = metadata.topics[0]?.partitions.length ?? 0
    if (partitions !== 1) {
      throw new RegistryStoreError(
        'KAFKIT_REGISTRY_STORE_ERROR',
        `Topic '${topic}' has ${partitions} partitions; the registry log needs exactly 1 for a total order. Use another --topic.`,
        { details: { topic, partitions } },
      )
    }
  }

  async #highWatermark(): Promise<number> {
    const admin = this.#admin
    if (admin === undefined) return 0
    const offsets = await admin.fetchTopicOffsets(this.#options.topic)
    return Number(offsets.find((o) => o.partition === 0)?.high ?? 0)
  }

  #advance(next: number): void {
    this.#next = next
    const ready = this.#waiters.filter((w) => w.offset <= next)
    this.#waiters = this.#waiters.filter((w) => w.offset > next)
    for (const w of ready) w.resolve()
  }

  #waitFor(offset: number): Promise<void> {
    if (offset <= this.#next) return Promise.resolve()
    return new Promise((resolve) => this.#waiters.push({ offset, resolve }))
  }

  async append(record: LogRecord): Promise<void> {
    const producer = this.#producer
    if (producer === undefined || this.#closed)
      throw new Error('the Kafka log is not started or already closed')
    await producer.send({
      topic: this.#options.topic,
      acks: -1,
      messages: [{ key: record.proposalId, value: JSON.stringify(record) }],
    })
  }

  async sync(): Promise<void> {
    await this.#waitFor(await this.#highWatermark())
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const w of this.#waiters) w.resolve()
    this.#waiters = []
    await this.#consumer?.disconnect().catch(() => {})
    await this.#producer?.disconnect().catch(() => {})
    await this.#admin?.disconnect().catch(() => {})
  }
}
