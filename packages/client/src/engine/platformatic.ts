import { isIP } from 'node:net'
import {
  Admin,
  ConfigResourceTypes,
  ConfigSources,
  type ConnectionOptions,
  ConnectionPool,
  Consumer,
  FetchIsolationLevels,
  IncrementalAlterConfigOperationTypes,
  type Message,
  type MessagesStream,
  offsetCommitV9,
  type ProduceResult,
  Producer,
} from '@platformatic/kafka'
import { refuseMissingPartitions } from './partitions'
import {
  type PlatformaticSecurity,
  platformaticProducer,
  poolSecurity,
  toRecord,
} from './platformatic-producer'
import {
  type EngineSecurity,
  isSecurityRefusal,
  nodeTlsOptions,
  RefusalSignal,
  resolveSecurity,
  type SaslOptions,
  type TlsOptions,
  withSecurityChecks,
} from './security'
import type {
  EngineAdmin,
  EngineBatch,
  EngineConsumer,
  EngineConsumerOptions,
  EngineRecord,
  EngineRecordMetadata,
  EngineTopicConfigEntry,
  EngineTopicMessages,
  EngineTopicPartitions,
  EngineTransactionalProducer,
  KafkaEngine,
} from './types'

/** The only module that imports @platformatic/kafka: everything else talks to the `KafkaEngine` seam. */

export interface PlatformaticEngineOptions {
  readonly brokers: readonly string[]
  readonly clientId?: string | undefined
  readonly connectionTimeoutMs?: number | undefined
  readonly requestTimeoutMs?: number | undefined
  /**
   * The consumer group protocol: 'classic' (JoinGroup/SyncGroup, the default) or 'consumer' (KIP-848,
   * server-side assignment, Kafka 4.x). With 'consumer' the broker owns session and heartbeat timing.
   */
  readonly groupProtocol?: 'classic' | 'consumer' | undefined
  /** TLS to the brokers (`true`: the system's CAs). */
  readonly tls?: TlsOptions | undefined
  /** SASL PLAIN or SCRAM-SHA-256/512 credentials. */
  readonly sasl?: SaslOptions | undefined
}

type Offset = { topic: string; partition: number; offset: string }

/** Consumers of this engine by group id: transactions commit offsets with the live member's generation. */
type LiveConsumers = Map<string, Consumer>

export function createPlatformaticEngine(options: PlatformaticEngineOptions): KafkaEngine {
  const security = resolveSecurity(options)
  const connectTimeout = options.connectionTimeoutMs ?? 3000
  const refusals = new RefusalSignal()
  const base: BaseOptions = {
    clientId: options.clientId ?? 'kafkit',
    bootstrapBrokers: [...options.brokers],
    connectTimeout,
    ...platformaticSecurity(options.brokers, security),
    // Short, capped back-off that outlasts a broker being fenced (~9 s) after a crash, like the kafkajs engine.
    retries: 15,
    retryDelay: (client: unknown, _op: string, attempt: number, _retries: number, error: unknown) => {
      // The library refreshes metadata between attempts only after network errors: a produce refused
      // with NOT_LEADER_OR_FOLLOWER went to the same (old) leader on every retry until they ran out.
      // Forgetting the cached metadata makes the next attempt ask the cluster who leads now.
      if (hasStaleMetadata(error)) (client as { clearMetadata?: () => void }).clearMetadata?.()
      // Wrong credentials or an untrusted certificate fail the same way every time: no back-off, and
      // a connect() waiting on this fails now (withSecurityChecks).
      if (isSecurityRefusal(error)) {
        refusals.emit(error)
        return 0
      }
      return Math.min(100 * 2 ** attempt, 2000)
    },
  }
  const live: LiveConsumers = new Map()
  const engine: KafkaEngine = {
    name: 'platformatic',
    producer: (o) =>
      platformaticProducer(
        base,
        o,
        () =>
          // Metadata and the producer id only: produce requests are built by platformaticProducer.
          new Producer({
            ...base,
            idempotent: false,
            acks: o.acks,
            timeout: o.timeoutMs,
            autocreateTopics: false,
          }),
      ),
    consumer: (o) => new PlatformaticConsumer(base, o, options.groupProtocol ?? 'classic', live),
    admin: () => platformaticAdmin(base, options.requestTimeoutMs),
    transactionalProducer: (o) => platformaticTransactionalProducer(base, o, live),
  }
  return withSecurityChecks(engine, options.brokers, security, connectTimeout, refusals)
}

/** The library's tls, tlsServerName and sasl options for Kafkit's engine-neutral ones. */
function platformaticSecurity(brokers: readonly string[], security: EngineSecurity): PlatformaticSecurity {
  const out: PlatformaticSecurity = {}
  const tls = nodeTlsOptions(security.tls)
  if (tls) {
    out.tls = tls
    // SNI: the configured name, else each broker's host name; never an IP (RFC 6066, and Node warns).
    const servername = typeof security.tls === 'object' ? security.tls.servername : undefined
    if (servername) out.tlsServerName = servername
    else if (brokers.every((b) => isIP(b.slice(0, b.lastIndexOf(':'))) === 0)) out.tlsServerName = true
  }
  if (security.sasl) {
    out.sasl = {
      mechanism: security.sasl.mechanism.toUpperCase() as NonNullable<ConnectionOptions['sasl']>['mechanism'],
      username: security.sasl.username,
      password: security.sasl.password,
    }
  }
  return out
}

type BaseOptions = PlatformaticSecurity & {
  clientId: string
  bootstrapBrokers: string[]
  connectTimeout: number
  retries: number
  retryDelay: (client: unknown, op: string, attempt: number, retries: number, error: unknown) => number
}

/** Whether the library marked an error (or one inside it) as caused by stale metadata. */
function hasStaleMetadata(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false
  const e = error as { hasStaleMetadata?: unknown; errors?: unknown[]; cause?: unknown }
  if (e.hasStaleMetadata === true) return true
  return (e.errors ?? []).some((x) => hasStaleMetadata(x, depth + 1)) || hasStaleMetadata(e.cause, depth + 1)
}

function toMessages(batches: readonly EngineTopicMessages[]) {
  return batches.flatMap((b) => b.messages.map((m) => toRecord(b.topic, m)))
}

/**
 * One entry per (topic, partition) the broker acknowledged, and only for partitions this request
 * wrote to: a missing or negative base offset is no acknowledgement.
 */
function acknowledged(
  batches: readonly EngineTopicMessages[],
  result: ProduceResult,
): EngineRecordMetadata[] {
  const sent = new Set<string>()
  for (const b of batches) for (const m of b.messages) sent.add(`${b.topic}\0${m.partition}`)
  const out = new Map<string, EngineRecordMetadata>()
  for (const r of result.offsets ?? []) {
    const key = `${r.topic}\0${r.partition}`
    if (!sent.has(key) || typeof r.offset !== 'bigint' || r.offset < 0n || out.has(key)) continue
    out.set(key, { topic: r.topic, partition: r.partition, baseOffset: r.offset.toString() })
  }
  return [...out.values()]
}

/** Partition counts from the library's metadata (cached; `fresh` asks the cluster). */
async function partitionCounts(
  client: Producer,
  topics: readonly string[],
  fresh: boolean,
): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  try {
    const meta = await client.metadata({ topics: [...topics], forceUpdate: fresh })
    for (const [name, t] of meta.topics) out.set(name, t.partitionsCount)
  } catch {
    // An unknown topic: the send reports it.
  }
  return out
}

function platformaticTransactionalProducer(
  base: BaseOptions,
  o: { transactionalId: string; timeoutMs: number },
  live: LiveConsumers,
): EngineTransactionalProducer {
  const producer = new Producer({
    ...base,
    transactionalId: o.transactionalId,
    // InitProducerId would otherwise claim producer id 0, epoch 0: a restart with the same transactional
    // id is then fenced (PRODUCER_FENCED) instead of bumping the epoch. -1/-1 is "a new producer".
    producerId: -1n,
    producerEpoch: -1,
    idempotent: true,
    acks: -1,
    // The transaction timeout the coordinator applies is this client's request timeout.
    timeout: o.timeoutMs,
    autocreateTopics: false,
  })
  return {
    async connect() {
      await producer.metadata({ topics: [] })
    },
    disconnect: () => producer.close(),
    async begin() {
      const txn = await producer.beginTransaction()
      return {
        async send(batches) {
          await refuseMissingPartitions(batches, (topics, fresh) => partitionCounts(producer, topics, fresh))
          return acknowledged(batches, await txn.send({ messages: toMessages(batches) }))
        },
        async sendOffsets(groupId, offsets) {
          const consumer = live.get(groupId)
          if (!consumer || consumer.memberId === null || consumer.coordinatorId === null) {
            throw new Error(
              `no running consumer of group '${groupId}' on this platformatic engine: transactional offsets need its generation`,
            )
          }
          await txn.addConsumer(consumer)
          const member = {
            groupId,
            generationId: consumer.generationId,
            memberId: consumer.memberId,
            coordinatorId: consumer.coordinatorId,
          }
          for (const x of offsets) {
            // The library commits message.offset + 1: hand it the last handled offset.
            await txn.addOffset({
              topic: x.topic,
              partition: x.partition,
              offset: BigInt(x.offset) - 1n,
              metadata: { consumer: member },
            } as unknown as Message)
          }
        },
        commit: () => txn.commit(),
        abort: () => txn.abort(),
      }
    },
  }
}

const tpKey = (topic: string, partition: number) => `${topic}\0${partition}`

/** Records fetched but not yet handed to a batch handler, above which fetching pauses. */
const MAX_BUFFERED_RECORDS = 10_000
/** How often commitOffsetsIfNecessary() commits while a long batch runs. */
const COMMIT_INTERVAL_MS = 5_000

interface Queue {
  readonly topic: string
  readonly partition: number
  records: EngineRecord[]
}

/**
 * kafkajs-style batches on top of @platformatic/kafka's message stream: records are queued per
 * partition, and each partition's queue is handed to `eachBatch` one batch at a time (several
 * partitions at once up to `partitionsConsumedConcurrently`). Offsets are committed by us, never by
 * the library: after each batch, on commitOffsetsIfNecessary() every few seconds, and on stop.
 */
class PlatformaticConsumer implements EngineConsumer {
  readonly #o: EngineConsumerOptions
  readonly #live: LiveConsumers
  readonly #consumer: Consumer
  #topics: string[] = []
  #fromBeginning = false
  #stream: MessagesStream<Buffer, Buffer, string, Buffer> | undefined
  /** Bumped for every stream opened: an open that finishes after a newer one started is closed. */
  #streamSeq = 0
  #replacing = false
  /** KIP-848 revocations seen (the latest one replaces the stream). */
  #revocations = 0
  #eachBatch: ((batch: EngineBatch) => Promise<void>) | undefined
  #concurrency = 1
  readonly #queues = new Map<string, Queue>()
  #buffered = 0
  readonly #busy = new Set<string>()
  readonly #inflight = new Set<Promise<void>>()
  readonly #pausedTopics = new Set<string>()
  readonly #pausedPartitions = new Set<string>()
  /** Next offset to read per partition (last delivered + 1), to drop a refetch of records already queued. */
  readonly #next = new Map<string, bigint>()
  /** Offsets resolved by handlers and not yet committed (next offset to read). */
  readonly #resolved = new Map<
    string,
    { topic: string; partition: number; offset: bigint; generation: number }
  >()
  #commitChain: Promise<void> = Promise.resolve()
  #lastCommit = Date.now()
  /** Bumped on every rebalance and restart: batches of an older epoch are no longer active. */
  #epoch = 0
  /** Between a rebalance notice and the JoinGroup: batches are inactive and no new ones start. */
  #revoking = false
  #state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle'
  #restartTimer: NodeJS.Timeout | undefined
  readonly #groupProtocol: 'classic' | 'consumer'
  readonly #endOffsets = new Map<string, bigint>()
  /** Epoch of the last batch handed out per partition. */
  readonly #batchEpochs = new Map<string, number>()
  #endOffsetsAt = 0
  #endOffsetsRefresh: Promise<void> | undefined
  /** Connections for our own OffsetCommit requests (classic groups). */
  readonly #pool: ConnectionPool

  constructor(
    base: BaseOptions,
    o: EngineConsumerOptions,
    groupProtocol: 'classic' | 'consumer',
    live: LiveConsumers,
  ) {
    this.#o = o
    this.#live = live
    this.#groupProtocol = groupProtocol
    this.#pool = new ConnectionPool(base.clientId, {
      connectTimeout: base.connectTimeout,
      ...poolSecurity(base),
    })
    const common = {
      ...base,
      groupId: o.groupId,
      // Offsets are ours to commit (per record, after handling), never the library's.
      autocommit: false,
      maxBytesPerPartition: o.maxBytesPerPartition,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      ...(o.maxWaitTimeMs !== undefined ? { maxWaitTime: o.maxWaitTimeMs } : {}),
      ...(o.minBytes !== undefined ? { minBytes: o.minBytes } : {}),
      deserializers: { headerKey: (b?: Buffer) => b?.toString() ?? '' },
    }
    this.#consumer = (groupProtocol === 'consumer'
      ? new Consumer({ ...common, groupProtocol: 'consumer' })
      : new Consumer({
          ...common,
          sessionTimeout: o.sessionTimeoutMs,
          heartbeatInterval: o.heartbeatIntervalMs,
          // Called before every JoinGroup, which waits for it: the place to give partitions back.
          protocolsMetadata: () => this.#beforeJoin(),
        })) as unknown as Consumer
    this.#consumer.on('consumer:group:join', () => this.#rebalanced())
    // KIP-848 groups join once; later changes arrive as heartbeat assignments, and only a revocation
    // emits an event (before the library applies it).
    if (groupProtocol === 'consumer') this.#consumer.on('consumer:group:rebalance', () => this.#revoked())
    this.#consumer.on('error', (error: Error) => this.#failed(error))
  }

  async connect(): Promise<void> {
    await this.#consumer.metadata({ topics: [] })
  }

  async subscribe(options: { topics: readonly string[]; fromBeginning: boolean }): Promise<void> {
    this.#topics = [...new Set([...this.#topics, ...options.topics])]
    this.#fromBeginning = options.fromBeginning
  }

  async run(options: {
    eachBatch: (batch: EngineBatch) => Promise<void>
    partitionsConsumedConcurrently: number
  }): Promise<void> {
    this.#eachBatch = options.eachBatch
    this.#concurrency = Math.max(1, options.partitionsConsumedConcurrently)
    this.#state = 'running'
    this.#live.set(this.#o.groupId, this.#consumer)
    await this.#startStream()
  }

  async #startStream(): Promise<void> {
    const seq = ++this.#streamSeq
    const stream = (await this.#consumer.consume({
      topics: this.#topics,
      mode: 'committed',
      fallbackMode: this.#fromBeginning ? 'earliest' : 'latest',
      autocommit: false,
    })) as unknown as MessagesStream<Buffer, Buffer, string, Buffer>
    if (this.#state !== 'running' || seq !== this.#streamSeq) {
      await stream.close().catch(() => {})
      return
    }
    this.#stream = stream
    // Records a replaced or closed stream still emits are not ours any more.
    stream.on('data', (m: Message<Buffer, Buffer, string, Buffer>) => {
      if (this.#stream === stream) this.#enqueue(m)
    })
    stream.on('error', (error: Error) => this.#streamFailed(stream, error))
  }

  /**
   * A classic rebalance: read on from the committed offsets through a new stream. The library's
   * stream keeps, per partition, the position after its last fetch, across rebalances: for a
   * partition without a committed offset it resumes there instead of at the fallback (a partition
   * this member had fetched ahead in an earlier generation, lost, and gets back from a member that
   * died before committing is skipped to that old position), and a fetch in flight during the
   * rejoin overwrites the re-read position with its stale one. Both skip records that were never
   * handled; a new stream starts with no positions and its in-flight fetches are its own.
   */
  #replaceStream(): void {
    if (this.#state !== 'running' || this.#restartTimer) return
    const old = this.#stream
    // While run() opens the first stream there is nothing to replace: that stream reads the new
    // assignment. A replacement still opening is replaced again (it closes itself when it opens).
    if (!old && !this.#replacing) return
    this.#stream = undefined
    this.#replacing = true
    const seq = this.#streamSeq + 1
    // The new stream is opened before the old one is closed: closing the last stream of a topic
    // untracks it, and the next consume() would join the group again (another rebalance).
    this.#startStream()
      .catch((error: Error) => this.#failed(error))
      .finally(() => {
        if (seq === this.#streamSeq) this.#replacing = false
        void old?.close().catch(() => {})
      })
  }

  #streamFailed(stream: MessagesStream<Buffer, Buffer, string, Buffer>, error: Error): void {
    if (this.#stream !== stream) return
    this.#failed(error)
  }

  /**
   * The stream or the group membership failed (the library emits 'error' on the consumer when a
   * rejoin fails, which would crash the process without a listener). Restart from the committed
   * offsets while `restartOnFailure` says so, else report the crash; never stop silently.
   */
  #failed(error: Error): void {
    if (this.#state !== 'running' || this.#restartTimer) return
    const stream = this.#stream
    this.#stream = undefined
    void stream?.close().catch(() => {})
    // A replacement stream still opening closes itself.
    this.#streamSeq++
    this.#replacing = false
    this.#revoking = false
    this.#epoch++
    this.#dropQueued()
    if (!this.#o.restartOnFailure(error)) {
      this.#o.onCrash(error)
      return
    }
    this.#restartTimer = setTimeout(() => {
      if (this.#state !== 'running') {
        this.#restartTimer = undefined
        return
      }
      this.#startStream().then(
        () => {
          this.#restartTimer = undefined
        },
        (e: Error) => {
          this.#restartTimer = undefined
          this.#failed(e)
        },
      )
    }, 1000)
  }

  #enqueue(m: Message<Buffer, Buffer, string, Buffer>): void {
    // Records fetched before the last rebalance (the library refetches from the committed offsets).
    const meta = (m.metadata as { consumer?: { generationId?: number } } | undefined)?.consumer
    if (meta?.generationId !== undefined && meta.generationId !== this.#consumer.generationId) return
    const key = tpKey(m.topic, m.partition)
    const next = this.#next.get(key)
    if (next !== undefined && m.offset < next) return
    this.#next.set(key, m.offset + 1n)
    let queue = this.#queues.get(key)
    if (!queue) {
      queue = { topic: m.topic, partition: m.partition, records: [] }
      this.#queues.set(key, queue)
    }
    const headers: Record<string, Buffer | undefined> = {}
    for (const [k, v] of m.headerEntries) headers[k] = v
    queue.records.push({
      topic: m.topic,
      partition: m.partition,
      offset: m.offset.toString(),
      timestamp: m.timestamp.toString(),
      key: m.key ?? null,
      value: m.value ?? null,
      headers,
    })
    this.#buffered++
    if (this.#buffered >= MAX_BUFFERED_RECORDS) this.#stream?.pause()
    this.#pump()
  }

  #isPaused(q: { topic: string; partition: number }): boolean {
    return this.#pausedTopics.has(q.topic) || this.#pausedPartitions.has(tpKey(q.topic, q.partition))
  }

  #pump(): void {
    if (this.#state !== 'running' || !this.#eachBatch || this.#revoking) return
    for (const [key, queue] of this.#queues) {
      if (this.#busy.size >= this.#concurrency) return
      if (this.#busy.has(key) || queue.records.length === 0 || this.#isPaused(queue)) continue
      const records = queue.records
      queue.records = []
      this.#buffered -= records.length
      // Move the partition to the back so other partitions get their turn.
      this.#queues.delete(key)
      this.#queues.set(key, queue)
      this.#busy.add(key)
      const task = this.#runBatch(queue.topic, queue.partition, records).finally(() => {
        this.#busy.delete(key)
        this.#inflight.delete(task)
        this.#pump()
      })
      this.#inflight.add(task)
    }
    if (this.#buffered < MAX_BUFFERED_RECORDS / 2 && this.#stream?.isPaused()) this.#stream.resume()
  }

  async #runBatch(topic: string, partition: number, records: EngineRecord[]): Promise<void> {
    const epoch = this.#epoch
    const generation = this.#consumer.generationId
    const key = tpKey(topic, partition)
    this.#batchEpochs.set(key, epoch)
    const isActive = () =>
      this.#state === 'running' &&
      epoch === this.#epoch &&
      !this.#revoking &&
      (this.#consumer.assignments ?? []).some((a) => a.topic === topic && a.partitions.includes(partition))
    const last = BigInt((records[records.length - 1] as EngineRecord).offset) + 1n
    if (!this.#endOffsets.has(key)) await this.#refreshEndOffsets().catch(() => {})
    else void this.#refreshEndOffsets().catch(() => {})
    const end = this.#endOffsets.get(key) ?? last
    const batch: EngineBatch = {
      topic,
      partition,
      records,
      highWatermark: (end > last ? end : last).toString(),
      resolveOffset: (offset) => {
        if (epoch !== this.#epoch) return
        this.#resolved.set(key, { topic, partition, offset: BigInt(offset) + 1n, generation })
      },
      heartbeat: async () => {
        // The library heartbeats on its own timer; a revoked partition is what callers need to hear about.
        if (!isActive()) throw new Error(`${topic}[${partition}] is no longer assigned to this consumer`)
      },
      commitOffsetsIfNecessary: async () => {
        if (Date.now() - this.#lastCommit >= COMMIT_INTERVAL_MS) await this.#commitResolved()
      },
      isActive,
    }
    try {
      await this.#eachBatch?.(batch)
    } catch (error) {
      // kafkajs semantics: a failing batch handler crashes the consumer (restart or stop).
      this.#handlerFailed(error as Error)
      return
    }
    // Not awaited: the partition's next batch need not wait for this commit's round trip. Commits run
    // one at a time and merge what was resolved meanwhile; stop() and the pre-rejoin hook await the chain.
    void this.#commitResolved().catch(() => {})
  }

  /**
   * The library's message stream does not pass on the fetch's high watermark: end offsets for lag
   * come from ListOffsets, at most once a second, and never below the batch's own last offset + 1.
   */
  #refreshEndOffsets(): Promise<void> {
    if (this.#endOffsetsRefresh && Date.now() - this.#endOffsetsAt < 1000) return this.#endOffsetsRefresh
    this.#endOffsetsAt = Date.now()
    this.#endOffsetsRefresh = this.#consumer.listOffsets({ topics: this.#topics }).then((offsets) => {
      for (const [topic, ends] of offsets) {
        ends.forEach((end, partition) => {
          this.#endOffsets.set(tpKey(topic, partition), end)
        })
      }
    })
    return this.#endOffsetsRefresh
  }

  #handlerFailed(error: Error): void {
    // Like kafkajs: the records queued after the failed batch are dropped, so reading must restart
    // from the committed offsets (never carry on past them).
    this.#failed(error)
  }

  /**
   * Classic groups, before (re)joining: the revocation kafkajs does before its rejoin. Running batches
   * turn inactive (the group helper lets started records finish for `revocationGraceMs` and commits
   * them), no new batch starts, and once they returned (at most a session timeout) what handlers
   * resolved is committed. The coordinator still takes commits of the old generation until every
   * member has rejoined, and the library sends this member's JoinGroup only after this resolves:
   * without it, work done since the last commit was handled again by the partition's next owner.
   */
  async #beforeJoin(): Promise<Buffer> {
    if (this.#state === 'running' && this.#consumer.memberId !== null) {
      this.#revoking = true
      const running = Promise.allSettled([...this.#inflight])
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        running,
        new Promise((r) => {
          timer = setTimeout(r, this.#o.sessionTimeoutMs)
        }),
      ])
      clearTimeout(timer)
      await this.#commitResolved().catch(() => {})
    }
    return Buffer.alloc(0)
  }

  #rebalanced(): void {
    this.#revoking = false
    this.#epoch++
    this.#dropQueued()
    // Reading goes on from the committed offsets after a rejoin: progress made in the old
    // generation is redone (at least once), never committed over another member's.
    this.#resolved.clear()
    if (this.#groupProtocol === 'classic') this.#replaceStream()
  }

  /**
   * KIP-848 groups, when partitions are taken away: the same stale-position bug as classic rebalances
   * (see #replaceStream) skips records of a partition this member read ahead in, lost, and gets back
   * without a commit by its owner in between. Batches turn inactive, queued records are dropped, what
   * handlers resolved is committed (the member still owns the partitions until the next heartbeat),
   * and reading goes on from the committed offsets through a new stream once the library shows the
   * new assignment (at most a session timeout later): a stream
   * opened earlier would fetch the revoked partitions and hold their positions again.
   */
  #revoked(): void {
    if (this.#state !== 'running') return
    const before = this.#consumer.assignments
    // No batch starts until the new stream reads (what the old one still fetches is dropped then).
    this.#revoking = true
    this.#epoch++
    this.#dropQueued()
    const seq = ++this.#revocations
    void (async () => {
      const deadline = Date.now() + this.#o.sessionTimeoutMs
      while (this.#consumer.assignments === before && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10))
      }
      await this.#commitResolved().catch(() => {})
      // A later revocation replaces the stream itself.
      if (seq !== this.#revocations || this.#state !== 'running') return
      this.#revoking = false
      this.#dropQueued()
      this.#replaceStream()
    })()
  }

  #dropQueued(): void {
    this.#queues.clear()
    this.#next.clear()
    this.#buffered = 0
    if (this.#stream?.isPaused()) this.#stream.resume()
  }

  #commitResolved(): Promise<void> {
    // A failed commit fails its caller only; the chain goes on for the next one.
    const chain = this.#commitChain.then(async () => {
      if (this.#resolved.size === 0) return
      const offsets = [...this.#resolved.values()]
      this.#resolved.clear()
      this.#lastCommit = Date.now()
      const generations = new Set(offsets.map((x) => x.generation))
      for (const generation of generations) {
        await this.#commit(
          offsets
            .filter((x) => x.generation === generation)
            .map((x) => ({ topic: x.topic, partition: x.partition, offset: x.offset.toString() })),
          generation,
        )
      }
    })
    this.#commitChain = chain.catch(() => {})
    return chain
  }

  /**
   * Classic groups: one OffsetCommit with the generation the offsets were made in. The library's own
   * commit() rejoins and retries a commit that hit a rebalance under the new generation, which can
   * land progress of a partition that moved to another member after that member read its start
   * offset (records handled twice). Here a commit that misses its generation fails, like kafkajs.
   */
  async #commit(offsets: readonly Offset[], generation = this.#consumer.generationId): Promise<void> {
    if (offsets.length === 0) return
    if (this.#groupProtocol === 'classic') {
      const memberId = this.#consumer.memberId
      if (memberId === null || generation !== this.#consumer.generationId) {
        throw new Error(`not committed: the group rebalanced (generation ${generation} is over)`)
      }
      const coordinator = this.#consumer.coordinatorId ?? (await this.#consumer.findGroupCoordinator())
      const broker = (await this.#consumer.metadata({ topics: [] })).brokers.get(coordinator)
      if (!broker) throw new Error(`group coordinator ${coordinator} is not in the cluster metadata`)
      const connection = await this.#pool.get({ host: broker.host, port: broker.port })
      const byTopic = new Map<
        string,
        {
          partitionIndex: number
          committedOffset: bigint
          committedLeaderEpoch: number
          committedMetadata: null
        }[]
      >()
      for (const x of offsets) {
        const list = byTopic.get(x.topic) ?? []
        list.push({
          partitionIndex: x.partition,
          committedOffset: BigInt(x.offset),
          committedLeaderEpoch: -1,
          committedMetadata: null,
        })
        byTopic.set(x.topic, list)
      }
      // Throws on any partition error (ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, ...).
      await offsetCommitV9.api.async(
        connection,
        this.#o.groupId,
        generation,
        memberId,
        null,
        [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      )
      this.#o.onCommit?.(offsets.map((x) => ({ ...x })))
      return
    }
    await this.#consumer.commit({
      offsets: offsets.map((x) => ({
        topic: x.topic,
        partition: x.partition,
        offset: BigInt(x.offset),
        leaderEpoch: -1,
      })),
    })
    this.#o.onCommit?.(offsets.map((x) => ({ ...x })))
  }

  pause(topics: readonly EngineTopicPartitions[]): void {
    for (const t of topics) {
      if (!t.partitions) this.#pausedTopics.add(t.topic)
      else for (const p of t.partitions) this.#pausedPartitions.add(tpKey(t.topic, p))
    }
  }

  resume(topics: readonly EngineTopicPartitions[]): void {
    for (const t of topics) {
      if (!t.partitions) {
        this.#pausedTopics.delete(t.topic)
        for (const key of this.#pausedPartitions) {
          if (key.startsWith(`${t.topic}\0`)) this.#pausedPartitions.delete(key)
        }
      } else for (const p of t.partitions) this.#pausedPartitions.delete(tpKey(t.topic, p))
    }
    this.#pump()
  }

  /**
   * Explicit commits. After a rebalance the library re-reads the committed offsets, so progress from a
   * batch fetched before it is not committed (it would skip past records the re-read hands out again,
   * or land on a partition another member now owns): those partitions are refused until a batch of
   * the new generation was handed out.
   */
  commitOffsets(offsets: readonly Offset[]): Promise<void> {
    const stale = offsets.filter((x) => {
      const epoch = this.#batchEpochs.get(tpKey(x.topic, x.partition))
      return epoch !== undefined && epoch !== this.#epoch
    })
    const fresh = offsets.filter((x) => !stale.includes(x))
    const chain = this.#commitChain.then(() => this.#commit(fresh))
    this.#commitChain = chain.catch(() => {})
    if (stale.length === 0) return chain
    return chain.then(() => {
      throw new Error(
        `not committed: ${stale.map((x) => `${x.topic}[${x.partition}]@${x.offset}`).join(', ')} (fetched before a rebalance)`,
      )
    })
  }

  async stop(): Promise<void> {
    if (this.#state !== 'running') return
    this.#state = 'stopping'
    if (this.#restartTimer) clearTimeout(this.#restartTimer)
    const stream = this.#stream
    this.#stream = undefined
    await stream?.close().catch(() => {})
    this.#dropQueued()
    // kafkajs semantics: stop() waits for the running batches, then commits what they resolved.
    await Promise.allSettled([...this.#inflight])
    await this.#commitResolved().catch(() => {})
    this.#state = 'stopped'
    if (this.#live.get(this.#o.groupId) === this.#consumer) this.#live.delete(this.#o.groupId)
  }

  async disconnect(): Promise<void> {
    await this.stop()
    this.#state = 'stopped'
    await this.#consumer.close(true).catch(() => {})
    await this.#pool.close().catch(() => {})
  }
}

function platformaticAdmin(base: BaseOptions, requestTimeoutMs: number | undefined): EngineAdmin {
  const admin = new Admin({
    ...base,
    ...(requestTimeoutMs !== undefined ? { timeout: requestTimeoutMs } : {}),
  })
  const existingTopics = async (topics: readonly string[]) => {
    if (topics.length === 0) return []
    const all = new Set(await admin.listTopics())
    return topics.filter((t) => all.has(t))
  }
  const partitionsOf = async (topics: readonly string[]) => {
    const meta = await admin.metadata({ topics: [...topics], forceUpdate: true })
    return meta
  }
  const describeTopicConfigs = async (topics: readonly string[]) => {
    const out = new Map<string, EngineTopicConfigEntry[]>()
    const existing = await existingTopics(topics)
    if (existing.length === 0) return out
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: existing.map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name })),
    })
    for (const r of res) {
      out.set(
        r.resourceName,
        r.configs.map((c) => ({
          name: c.name,
          value: c.value ?? null,
          isDefault: c.configSource !== ConfigSources.DYNAMIC_TOPIC_CONFIG,
        })),
      )
    }
    return out
  }
  return {
    async connect() {
      await admin.listTopics()
    },
    disconnect: () => admin.close(),
    listTopics: () => admin.listTopics(),
    async describeTopics(topics) {
      const existing = await existingTopics(topics)
      if (existing.length === 0) return []
      const meta = await partitionsOf(existing)
      return existing.flatMap((name) => {
        const t = meta.topics.get(name)
        if (!t) return []
        return [
          {
            name,
            partitions: t.partitions.map((p, partition) => ({ partition, replicas: [...p.replicas] })),
          },
        ]
      })
    },
    describeTopicConfigs,
    async describeBrokerConfigs(names) {
      // One broker's view, as the kafkajs engine gives (kafkit produce asks for auto.create.topics.enable).
      const [broker] = (await admin.metadata({ topics: [] })).brokers.keys()
      if (broker === undefined) return Object.fromEntries(names.map((n) => [n, null]))
      const [res] = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            resourceType: ConfigResourceTypes.BROKER,
            resourceName: String(broker),
            configurationKeys: [...names],
          },
        ],
      })
      const entries = new Map((res?.configs ?? []).map((c) => [c.name, c.value ?? null] as const))
      return Object.fromEntries(names.map((n) => [n, entries.get(n) ?? null]))
    },
    async createTopics(topics) {
      // One request per topic: configs in a CreateTopics call of this library apply to all its topics.
      await Promise.all(
        topics.map((t) =>
          admin.createTopics({
            topics: [t.name],
            partitions: t.partitions,
            replicas: t.replicationFactor,
            configs: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
          }),
        ),
      )
      await waitForLeaders(
        () => partitionsOf(topics.map((t) => t.name)),
        topics.map((t) => t.name),
      )
    },
    async createPartitions(topics) {
      await admin.createPartitions({ topics: topics.map((t) => ({ name: t.name, count: t.count })) })
    },
    async alterTopicConfigs(topic, configs) {
      // IncrementalAlterConfigs: only these keys change, every other override stays as it is.
      await admin.incrementalAlterConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configs: Object.entries(configs).map(([name, value]) => ({
              name,
              value,
              configOperation: IncrementalAlterConfigOperationTypes.SET,
            })),
          },
        ],
      })
      // The broker applies the change through the metadata log: wait until a describe shows it, so a
      // describe right after this call never reads the old values.
      const deadline = Date.now() + 10_000
      for (;;) {
        const current = (await describeTopicConfigs([topic])).get(topic) ?? []
        const seen = new Map(current.map((c) => [c.name, c.value]))
        if (Object.entries(configs).every(([k, v]) => seen.get(k) === v) || Date.now() > deadline) return
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async deleteTopics(topics) {
      if (topics.length > 0) await admin.deleteTopics({ topics: [...topics] })
    },
    async endOffsets(topic) {
      const meta = await partitionsOf([topic])
      const count = meta.topics.get(topic)?.partitionsCount ?? 0
      const res = await admin.listOffsets({
        // The high watermark: read_uncommitted, latest (-1).
        isolationLevel: FetchIsolationLevels.READ_UNCOMMITTED,
        topics: [
          {
            name: topic,
            partitions: Array.from({ length: count }, (_, partitionIndex) => ({
              partitionIndex,
              timestamp: -1n,
            })),
          },
        ],
      })
      return res
        .flatMap((t) =>
          t.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset.toString() })),
        )
        .sort((a, b) => a.partition - b.partition)
    },
  }
}

/** Waits until every partition of the topics has a leader (new topics take a moment to appear). */
async function waitForLeaders(
  metadata: () => Promise<{ topics: Map<string, { partitions: { leader: number }[] }> }>,
  topics: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const meta = await metadata()
      const ready = topics.every((name) => {
        const t = meta.topics.get(name)
        return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p && p.leader >= 0)
      })
      if (ready) return
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
