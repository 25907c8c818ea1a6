import { setTimeout as sleep } from 'node:timers/promises'
import { fixKafkajsRequestQueue } from '@kafkit/common'
import { type Admin, Kafka, logLevel, Partitioners, type Producer, type SASLOptions } from 'kafkajs'
// kafkajs 2.2.4 ships no types for its internals.
// @ts-expect-error untyped CommonJS module inside kafkajs (version pinned in package.json)
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js'
import { RegistryApiError, RegistryStoreError } from '../errors'
import type { RegistryLogger } from '../server/types'
import type { LogRecord } from '../state/types'
import type { OnLogRecord, RegistryLog } from './types'

// No TimeoutNegativeWarning from kafkajs' idle request queue on Node 24+.
fixKafkajsRequestQueue(RequestQueue)

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
/** How long one fetch waits at the leader for new records (a long poll); it bounds how late `close` returns. */
const READER_MAX_WAIT_MS = 1_000
/** Pause after a failed fetch, doubled per failure up to the cap: a new leader is found within a pause of its election. */
const READER_BACKOFF_MS = { initial: 25, max: 250 }
const READER_FETCH_BYTES = 8 * 1024 * 1024
/** How soon the reader dials a leader again that just failed, while metadata still names it. */
const SAME_LEADER_REDIAL_MS = 2_000
/** How long `sync` keeps looking for the log's end while the leader moves; the pre-check gives up at 5 s. */
const SYNC_RETRY_MS = 10_000

/** A fetched record, as kafkajs' protocol layer decodes it. */
interface FetchedRecord {
  offset: string
  value: Buffer | null
  isControlRecord?: boolean
}
interface FetchResponse {
  responses: Array<{ partitions: Array<{ highWatermark: string; messages: FetchedRecord[] }> }>
}
/** The parts of a kafkajs broker connection the reader uses (kafkajs 2.2.4, src/broker/index.js). */
interface KafkajsBroker {
  fetch(request: {
    replicaId: number
    isolationLevel: number
    maxWaitTime: number
    minBytes: number
    maxBytes: number
    topics: Array<{
      topic: string
      partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>
    }>
  }): Promise<FetchResponse>
}
/** The parts of a kafkajs cluster the reader uses (kafkajs 2.2.4, src/cluster/index.js). */
interface KafkajsCluster {
  connect(): Promise<void>
  disconnect(): Promise<void>
  addTargetTopic(topic: string): Promise<void>
  refreshMetadata(): Promise<void>
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>
  findBroker(options: { nodeId: number }): Promise<KafkajsBroker>
}

/** Not a replica: a plain client fetch (Kafka's CONSUMER_REPLICA_ID). */
const CONSUMER_REPLICA_ID = -1
const READ_COMMITTED = 1

/**
 * kafkajs has no public group-less consumer, but every consumer and producer fetches through a
 * cluster object its `Kafka` builds under a private symbol. kafkajs 2.2.4 is frozen (unmaintained
 * since 2023, pinned exactly in package.json), so that method will not move; if it ever does, the
 * store refuses to start with a clear error instead of reading nothing.
 */
function createCluster(kafka: Kafka): KafkajsCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  )
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol]
  if (typeof create !== 'function') {
    throw new RegistryStoreError(
      'KAFKIT_REGISTRY_STORE_ERROR',
      'The installed kafkajs has no cluster factory the Kafka store can read its log with; install kafkajs 2.2.4 (the version @kafkit/registry pins).',
    )
  }
  return create({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED }) as KafkajsCluster
}

/** Errors after which fetching again cannot succeed (the offset is gone, access is denied...). */
function isFatal(error: unknown): boolean {
  const e = error as { name?: string; retriable?: boolean }
  return e.name === 'KafkaJSOffsetOutOfRange' || (e.name === 'KafkaJSProtocolError' && e.retriable === false)
}

/** The broker could not be reached or stopped answering (not a refusal from a live broker). */
function isUnreachable(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? ''
  return name.startsWith('KafkaJSConnection') || name === 'KafkaJSRequestTimeoutError'
}

/**
 * Ordered-log design on one single-partition compacted topic: every write from any instance is
 * produced as a proposal; every instance reads the whole topic in offset order and applies it
 * to its own state machine. Ids and versions are decided by log order, so they are identical on
 * every instance without a leader. Keys are unique proposal ids, so compaction never drops history.
 *
 * Reading: by direct assignment, with no consumer group (nothing to rejoin, commit or lose). A
 * fetch loop asks the partition leader for the records from the receiver's next offset (its state
 * tracks it: `RegistryState.nextOffset`), applies them, and asks again; on any error it looks the
 * leader up again and retries after a short pause, for as long as the store is open.
 */
export class KafkaRegistryLog implements RegistryLog {
  readonly kind = 'kafka'
  readonly #options: KafkaRegistryLogOptions
  #kafka: Kafka
  #admin: Admin | undefined
  #producer: Producer | undefined
  #cluster: KafkajsCluster | undefined
  #reading: Promise<void> | undefined
  /**
   * Offset after the last record read; only grows. The fetch offset is the receiver's own next
   * offset (`position`); this only carries the reader past records the receiver does not apply.
   */
  #next = 0
  #position: () => number = () => this.#next
  /** Fetches answered, and leader look-ups after a failed one: diagnostics for tests and logs. */
  #fetches = 0
  #retries = 0
  #waiters: Array<{ offset: number; resolve: () => void }> = []
  #closed = false
  #failure: Error | undefined

  get failure(): Error | undefined {
    return this.#failure
  }

  /** Fetches answered, failed fetches retried, and the next offset the reader will ask for. */
  get stats(): { fetches: number; retries: number; next: number } {
    return { fetches: this.#fetches, retries: this.#retries, next: this.#resume() }
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
    const { topic } = this.#options
    if (position) this.#position = position
    const admin = this.#kafka.admin()
    this.#admin = admin
    const cluster = createCluster(this.#kafka)
    this.#cluster = cluster
    try {
      await admin.connect()
      await this.#ensureTopic(admin)
      await cluster.connect()
      // Another broker than the one that answered above may not know the new topic yet.
      await this.#whileTopicUnknown(() => cluster.addTargetTopic(topic))
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

    const caughtUp = this.#waitFor(high)
    const reading = this.#read(cluster, onRecord)
    this.#reading = reading
    // The loop only ends on close or on a fatal error; the latter must fail the start, not hang it.
    await Promise.race([caughtUp, reading])
    // A fatal error also releases every waiter, so it ends the wait either way.
    if (this.#failure) throw this.#failure
  }

  /** Fetches from the partition leader, from the receiver's next offset, until closed or a fatal error. */
  async #read(cluster: KafkajsCluster, onRecord: OnLogRecord): Promise<void> {
    const { topic, logger } = this.#options
    let leader: { nodeId: number; broker: KafkajsBroker } | undefined
    /** The node the last fetch could not reach, and when: it is not dialled again at once. */
    let failed: { nodeId: number; at: number } | undefined
    let failures = 0
    while (!this.#closed) {
      const offset = this.#resume()
      let nodeId: number | undefined
      let dialled = false
      try {
        nodeId = leader?.nodeId ?? this.#leaderId(cluster)
        // Until the cluster fences a dead leader (seconds), metadata still names it. Each failed
        // dial makes kafkajs close the broker's connections again, and kafkajs leaks a listener
        // on the dead socket per close (a MaxListenersExceededWarning after ten): dial the same node
        // again only after a pause; a newly named leader is dialled at once.
        if (failed?.nodeId === nodeId && Date.now() - failed.at < SAME_LEADER_REDIAL_MS) {
          throw new Error(
            `the leader of partition 0 of '${topic}' is still node ${nodeId}, which just failed`,
          )
        }
        dialled = true
        leader ??= { nodeId, broker: await cluster.findBroker({ nodeId }) }
        const response = await leader.broker.fetch({
          replicaId: CONSUMER_REPLICA_ID,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: READER_MAX_WAIT_MS,
          minBytes: 1,
          maxBytes: READER_FETCH_BYTES,
          topics: [
            {
              topic,
              partitions: [{ partition: 0, fetchOffset: String(offset), maxBytes: READER_FETCH_BYTES }],
            },
          ],
        })
        if (this.#closed) return
        this.#fetches++
        failures = 0
        failed = undefined
        for (const message of response.responses[0]?.partitions[0]?.messages ?? []) {
          const at = Number(message.offset)
          // A fetch answers whole record batches, so one may start before the offset asked for.
          if (at < this.#resume()) continue
          if (message.value !== null && message.isControlRecord !== true) {
            let record: unknown
            try {
              record = JSON.parse(message.value.toString('utf8'))
            } catch {
              record = undefined
            }
            if (isLogRecord(record)) onRecord(record, at)
            else logger.warn({ topic, offset: at }, 'skipping a record that is not a kafkit registry change')
          }
          this.#advance(at + 1)
        }
        // The receiver may have applied records another way meanwhile; wake whoever waits on them.
        this.#advance(this.#position())
      } catch (error) {
        if (this.#closed) return
        if (isFatal(error)) {
          const gone = (error as { name?: string }).name === 'KafkaJSOffsetOutOfRange'
          this.#failure = new RegistryStoreError(
            'KAFKIT_REGISTRY_STORE_ERROR',
            gone
              ? `Offset ${offset} of the registry log topic '${topic}' is no longer in the topic: records were deleted from it (deleteRecords, or a retention policy). ` +
                  'Every instance needs the whole log; restore the topic or start the registry on a new --topic.'
              : `Cannot read the registry log topic '${topic}' at offset ${offset}: ${(error as Error).message}`,
            { cause: error, details: { topic, offset } },
          )
          logger.error(
            { topic, offset, err: error },
            'cannot read the registry log any more; this instance cannot apply changes',
          )
          for (const w of this.#waiters) w.resolve()
          this.#waiters = []
          return
        }
        // A dead or deposed leader, a lost connection: look the leader up again and retry.
        if (dialled && nodeId !== undefined && isUnreachable(error)) failed = { nodeId, at: Date.now() }
        leader = undefined
        this.#retries++
        if (failures++ % 40 === 0)
          logger.warn({ topic, offset, err: error }, 'reading the registry log failed; retrying')
        await sleep(Math.min(READER_BACKOFF_MS.max, READER_BACKOFF_MS.initial * 2 ** (failures - 1)))
        if (!this.#closed) await cluster.refreshMetadata().catch(() => {})
      }
    }
  }

  /** The partition leader's node id, by the cluster's current metadata. */
  #leaderId(cluster: KafkajsCluster): number {
    const topic = this.#options.topic
    const [nodeId] = Object.keys(cluster.findLeaderForPartitions(topic, [0]))
    if (nodeId === undefined) throw new Error(`no leader known for partition 0 of '${topic}'`)
    return Number(nodeId)
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
    return this.#whileTopicUnknown(() => admin.fetchTopicMetadata({ topics: [this.#options.topic] }))
  }

  async #whileTopicUnknown<T>(attempt: () => Promise<T>): Promise<T> {
    const until = Date.now() + 15_000
    for (;;) {
      try {
        return await attempt()
      } catch (error) {
        if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || Date.now() > until)
          throw error
        await sleep(250)
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
    if (offset <= this.#next || this.#failure) return Promise.resolve()
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
    if (this.#failure) throw this.#failure
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const w of this.#waiters) w.resolve()
    this.#waiters = []
    // A fetch in flight fails with the connections; the loop sees the store closed and ends.
    await this.#cluster?.disconnect().catch(() => {})
    await this.#reading
    // A metadata refresh racing the close may have connected again.
    await this.#cluster?.disconnect().catch(() => {})
    await this.#producer?.disconnect().catch(() => {})
    await this.#admin?.disconnect().catch(() => {})
  }
}
