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
import type { OnLogRecord, RegistryLog } from './types'

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
 * Client retries: short and capped (about 3 s per send), so a write notices a dead leader quickly
 * and the caller re-proposes. The cap bounds how long a client keeps waiting after the cluster has
 * elected a new leader: every failed attempt refreshes the leader, the next one uses it.
 */
const RETRY = { initialRetryTime: 50, maxRetryTime: 250, retries: 14 }
/**
 * How old the reader's view of the partition leader may get. kafkajs' consumer does not look the
 * leader up again after a connection error (only when its metadata is this old), so this bounds
 * how long it keeps fetching from a dead leader after a new one was elected. One small metadata
 * request per fetch at most.
 */
const READER_METADATA_MAX_AGE_MS = 500
const READER_FETCH_BYTES = 8 * 1024 * 1024
/** How long `sync` keeps looking for the log's end while the leader moves; the pre-check gives up at 5 s. */
const SYNC_RETRY_MS = 10_000

/**
 * Ordered-log design on one single-partition compacted topic: every write from any instance is
 * produced as a proposal; every instance consumes the whole topic in offset order and applies it
 * to its own state machine. Ids and versions are decided by log order, so they are identical on
 * every instance without a leader. Keys are unique proposal ids, so compaction never drops history.
 *
 * Reading: kafkajs has no assign(), so each instance reads through a consumer group of its own
 * (one member, nothing committed). Whatever that consumer does (a rejoin after a coordinator loss
 * starts it over at offset 0), the receiver applies each offset at most once (`RegistryState.applyAt`),
 * and every join seeks back to the receiver's next offset, so a rejoin costs no replay.
 */
export class KafkaRegistryLog implements RegistryLog {
  readonly kind = 'kafka'
  readonly #options: KafkaRegistryLogOptions
  #kafka: Kafka
  #admin: Admin | undefined
  #producer: Producer | undefined
  #consumer: Consumer | undefined
  /** Offset after the last record delivered; only grows. */
  #next = 0
  #position: () => number = () => this.#next
  readonly #groupId = `kafkit-registry-${randomUUID()}`
  /** Group joins of the consumer (the first one included): a diagnostic for tests and logs. */
  #joins = 0
  /** Records delivered again below the receiver's position, dropped here. */
  #redelivered = 0
  #waiters: Array<{ offset: number; resolve: () => void }> = []
  #closed = false
  #failure: Error | undefined

  get failure(): Error | undefined {
    return this.#failure
  }

  /** How often the consumer joined its group, and how many records it delivered again (and were dropped). */
  get stats(): { groupId: string; joins: number; redelivered: number; next: number } {
    return { groupId: this.#groupId, joins: this.#joins, redelivered: this.#redelivered, next: this.#next }
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
      retry: RETRY,
      // A dead broker must not hold a request for kafkajs' default 30 s: the write is re-proposed instead.
      requestTimeout: 10_000,
      connectionTimeout: 1_000,
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

  async start(onRecord: OnLogRecord, position?: () => number): Promise<void> {
    const { topic, logger } = this.#options
    if (position) this.#position = position
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

    // Not idempotent: a duplicate from a retried send is harmless (the state skips a proposal id it has
    // applied), while kafkajs' idempotent producer can wedge on sequence errors after a failover.
    const producer = this.#kafka.producer({
      idempotent: false,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: RETRY,
    })
    this.#producer = producer
    await producer.connect()

    // A private group per instance: every instance must read every record, from the beginning.
    const consumer = this.#kafka.consumer({
      groupId: this.#groupId,
      allowAutoTopicCreation: false,
      // A lone member: a lost coordinator is noticed within a few seconds, and nothing waits on others.
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 1_000,
      // One partition: fetch up to 8 MiB of it at a time (kafkajs' default is 1 MiB), so a replay of
      // 100,000 records (~37 MB) takes about five fetches instead of some thirty-five.
      maxBytesPerPartition: READER_FETCH_BYTES,
      maxBytes: READER_FETCH_BYTES,
      metadataMaxAge: READER_METADATA_MAX_AGE_MS,
      // Fetch retries must outlast the fencing of a dead leader (6-9 s), about 12 s here: when they
      // run out, kafkajs restarts the consumer, which rejoins its group and costs seconds more.
      retry: { ...RETRY, retries: 50 },
    })
    this.#consumer = consumer
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    // Nothing is committed, so every join starts at offset 0: resume where the receiver is instead.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.#joins++
      const next = this.#resume()
      try {
        if (next > 0) consumer.seek({ topic, partition: 0, offset: String(next) })
      } catch (error) {
        // The offset guard below still drops what comes again; only the replay is wasted.
        logger.warn({ topic, err: error }, 'could not seek the registry log consumer after a join')
      }
    })
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
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const offset = Number(message.offset)
          if (offset < this.#resume()) {
            this.#redelivered++
            continue
          }
          if (message.value !== null) {
            let record: unknown
            try {
              record = JSON.parse(message.value.toString('utf8'))
            } catch {
              record = undefined
            }
            if (isLogRecord(record)) onRecord(record, offset)
            else logger.warn({ topic, offset }, 'skipping a record that is not a kafkit registry change')
          }
          this.#advance(offset + 1)
        }
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
    const metadata = await this.#topicMetadata(admin)
    const partitions = metadata.topics[0]?.partitions.length ?? 0
    if (partitions !== 1) {
      throw new RegistryStoreError(
        'KAFKIT_REGISTRY_STORE_ERROR',
        `Topic '${topic}' has ${partitions} partitions; the registry log needs exactly 1 for a total order. Use another --topic.`,
        { details: { topic, partitions } },
      )
    }
  }

  /** A broker that just started (or a just-created topic) can answer UNKNOWN_TOPIC_OR_PARTITION for a few seconds. */
  async #topicMetadata(admin: Admin): ReturnType<Admin['fetchTopicMetadata']> {
    const until = Date.now() + 15_000
    for (;;) {
      try {
        return await admin.fetchTopicMetadata({ topics: [this.#options.topic] })
      } catch (error) {
        if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || Date.now() > until)
          throw error
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
  }

  /**
   * The log's end offset, asked of the partition leader. kafkajs' admin never looks a leader up again
   * by itself (its metadata does not age), so after a failed attempt the metadata is refreshed
   * before the next one: a moved leader is found within one retry instead of never.
   */
  async #highWatermark(): Promise<number> {
    const admin = this.#admin
    if (admin === undefined) return 0
    const topic = this.#options.topic
    const until = Date.now() + SYNC_RETRY_MS
    for (;;) {
      try {
        const offsets = await admin.fetchTopicOffsets(topic)
        return Number(offsets.find((o) => o.partition === 0)?.high ?? 0)
      } catch (error) {
        if (this.#closed || Date.now() > until) throw error
        await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => {})
        await new Promise((resolve) => setTimeout(resolve, RETRY.initialRetryTime))
      }
    }
  }

  /** The next offset wanted: past both what this log delivered and what the receiver applied. */
  #resume(): number {
    return Math.max(this.#next, this.#position())
  }

  #advance(next: number): void {
    if (next <= this.#next) return
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
    try {
      await producer.send({
        topic: this.#options.topic,
        acks: -1,
        messages: [{ key: record.proposalId, value: JSON.stringify(record) }],
      })
    } catch (error) {
      // Only a broker's non-retriable refusal (too large, not authorized...) says the record is not in
      // the log; a timeout or a lost connection leaves it open, and the caller settles it by re-proposing.
      const refused = (error as { name?: string; retriable?: boolean }).name === 'KafkaJSProtocolError'
      const definite = refused && (error as { retriable?: boolean }).retriable === false
      throw Object.assign(error as Error, { outcomeUnknown: !definite && !this.#closed })
    }
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
