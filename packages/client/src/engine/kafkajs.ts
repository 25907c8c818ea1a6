import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib'
import kafkajs, {
  type Admin,
  type Consumer,
  type Kafka,
  type KafkaConfig,
  type Message,
  type RecordMetadata,
  type TopicMessages,
} from 'kafkajs'
import { ClientError } from '../errors'
import type { Logger } from '../logger'
import { fixKafkajsRequestQueue } from './kafkajs-request-queue'
import { type PartitionCountsOf, refuseMissingPartitions } from './partitions'
import {
  type EngineSecurity,
  nodeTlsOptions,
  resolveSecurity,
  type SaslOptions,
  serverNameFor,
  type TlsOptions,
  withSecurityChecks,
} from './security'
import type {
  EngineAdmin,
  EngineCompression,
  EngineConsumer,
  EngineConsumerOptions,
  EngineProducer,
  EngineProducerOptions,
  EngineRecord,
  EngineRecordMetadata,
  EngineTopicConfigEntry,
  EngineTopicMessages,
  EngineTopicPartitions,
  EngineTransactionalProducer,
  KafkaEngine,
} from './types'

/** The only module that imports kafkajs: everything else talks to the `KafkaEngine` seam. */

/** A kafkajs `Kafka` instance, accepted wherever an engine is (its own brokers, SSL and SASL apply). */
export type KafkajsClient = Kafka

// kafkajs is CommonJS: Node's ESM loader only sees its default export, so values come from there.
const {
  ConfigResourceTypes,
  ConfigSource,
  CompressionCodecs,
  CompressionTypes,
  Kafka: KafkaClass,
  logLevel,
} = kafkajs

// kafkajs ships only gzip; zstd comes from Node's zlib (Node 22.15+), so kafkajs producers can write it
// and kafkajs consumers can read zstd batches written by other clients. Snappy and lz4 stay unsupported.
// kafkajs's own ZSTD entry is a placeholder that throws "not implemented" when looked up: replace it
// unless an application registered a working codec (one whose lookup returns it).
const hasZstd = (() => {
  try {
    return Boolean(CompressionCodecs[CompressionTypes.ZSTD]?.())
  } catch {
    return false
  }
})()
if (!hasZstd) {
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: async (encoder: { buffer: Buffer }) => zstdCompressSync(encoder.buffer),
    decompress: async (buffer: Buffer) => zstdDecompressSync(buffer),
  })
}

const KAFKAJS_CODECS: Partial<Record<EngineCompression, number>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  zstd: CompressionTypes.ZSTD,
}

export interface KafkajsEngineOptions {
  readonly brokers?: readonly string[] | undefined
  readonly clientId?: string | undefined
  /** An existing kafkajs `Kafka` instance (its own brokers, SSL and SASL settings apply). */
  readonly kafka?: Kafka | undefined
  /** Where kafkajs' own log lines go (warn and error only); silent when omitted. */
  readonly logger?: Logger | undefined
  readonly connectionTimeoutMs?: number | undefined
  readonly requestTimeoutMs?: number | undefined
  /** TLS to `brokers` (`true`: the system's CAs); a `kafka` instance carries its own `ssl`. */
  readonly tls?: TlsOptions | undefined
  /** SASL PLAIN or SCRAM-SHA-256/512 credentials for `brokers`. */
  readonly sasl?: SaslOptions | undefined
}

export function createKafkajsEngine(options: KafkajsEngineOptions): KafkaEngine {
  fixKafkajsRequestQueue()
  const security = resolveSecurity(options)
  if (options.kafka && (security.tls || security.sasl)) {
    throw new ClientError(
      'KAFKIT_INVALID_OPTIONS',
      '`tls` and `sasl` apply to `brokers`; a kafkajs `kafka` instance carries its own `ssl` and `sasl`',
    )
  }
  const kafka = options.kafka ?? new KafkaClass({ ...kafkaConfig(options), ...kafkajsSecurity(security) })
  const engine: KafkaEngine = {
    name: 'kafkajs',
    producer: (o) => kafkajsProducer(kafka, o),
    consumer: (o) => kafkajsConsumer(kafka, o),
    admin: () => kafkajsAdmin(kafka),
    transactionalProducer: (o) => kafkajsTransactionalProducer(kafka, o),
  }
  return withSecurityChecks(engine, options.brokers ?? [], security, options.connectionTimeoutMs ?? 3000)
}

/** kafkajs' ssl, sasl and socket factory for Kafkit's engine-neutral options. */
function kafkajsSecurity(security: EngineSecurity): Pick<KafkaConfig, 'ssl' | 'sasl' | 'socketFactory'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl' | 'socketFactory'> = {}
  const ssl = nodeTlsOptions(security.tls)
  if (ssl) {
    out.ssl = ssl
    // kafkajs' own factory sends each broker's host as SNI, IPs included (which Node warns about).
    out.socketFactory = ({ host, port, ssl: tls, onConnect }) => {
      const servername = serverNameFor(security.tls, host)
      const socket = tls
        ? tlsConnect({ ...tls, host, port, ...(servername ? { servername } : {}) }, onConnect)
        : netConnect({ host, port }, onConnect)
      socket.setKeepAlive(true, 60_000)
      return socket
    }
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl
    // kafkajs types each mechanism as its own member of a union.
    out.sasl = { mechanism, username, password } as NonNullable<KafkaConfig['sasl']>
  }
  return out
}

function kafkajsTransactionalProducer(
  kafka: Kafka,
  o: { transactionalId: string; timeoutMs: number },
): EngineTransactionalProducer {
  const producer = kafka.producer({
    transactionalId: o.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: o.timeoutMs,
    allowAutoTopicCreation: false,
  })
  const partitions = kafkajsPartitionCounts(kafka)
  return {
    connect: () => producer.connect(),
    async disconnect() {
      await partitions.close().catch(() => {})
      await producer.disconnect()
    },
    async begin() {
      const txn = await producer.transaction()
      return {
        async send(batches) {
          await refuseMissingPartitions(batches, partitions.countsOf)
          return sendPerPartition(batches, -1, (topicMessages) => txn.sendBatch({ acks: -1, topicMessages }))
        },
        async sendOffsets(groupId, offsets) {
          const byTopic = new Map<string, { partition: number; offset: string }[]>()
          for (const x of offsets) {
            byTopic.set(x.topic, [
              ...(byTopic.get(x.topic) ?? []),
              { partition: x.partition, offset: x.offset },
            ])
          }
          await txn.sendOffsets({
            consumerGroupId: groupId,
            topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
          })
        },
        commit: () => txn.commit(),
        abort: () => txn.abort(),
      }
    },
  }
}

/** Our batches in kafkajs' shape; shared by the plain and the transactional producer. */
function toTopicMessages(batches: readonly EngineTopicMessages[]): TopicMessages[] {
  return batches.map((b) => ({
    topic: b.topic,
    messages: b.messages.map(
      (m): Message => ({
        key: m.key,
        value: m.value,
        partition: m.partition,
        ...(m.headers ? { headers: m.headers } : {}),
        ...(m.timestamp ? { timestamp: m.timestamp } : {}),
      }),
    ),
  }))
}

/**
 * One kafkajs sendBatch per partition. kafkajs' multi-broker retry loses and duplicates records when a
 * broker dies mid-request: it re-sends only to brokers that have not answered (a partition whose
 * leadership moved to one that had is never sent: kafkajs #1303), and it starts the retry while sibling
 * requests are still in flight, so those go out twice with new sequence numbers. With one partition per
 * call every attempt is one request to one broker, and its failure rolls back that partition's
 * sequence number, so a retry is deduplicated by the broker. kafkajs still sends one request at a time
 * per broker (idempotence), so this costs round trips, not correctness.
 */
async function sendPerPartition(
  batches: readonly EngineTopicMessages[],
  acks: -1 | 0 | 1,
  sendBatch: (topicMessages: TopicMessages[]) => Promise<RecordMetadata[]>,
): Promise<EngineRecordMetadata[]> {
  const calls = toTopicMessages(batches).flatMap((t) => {
    const byPartition = new Map<number, Message[]>()
    for (const m of t.messages) {
      const list = byPartition.get(m.partition as number)
      if (list) list.push(m)
      else byPartition.set(m.partition as number, [m])
    }
    return [...byPartition].map(([partition, messages]) => ({ topic: t.topic, partition, messages }))
  })
  const settled = await Promise.allSettled(
    calls.map((c) => sendBatch([{ topic: c.topic, messages: c.messages }])),
  )
  const acked: EngineRecordMetadata[] = []
  let failure: unknown
  settled.forEach((r, i) => {
    const c = calls[i] as (typeof calls)[number]
    if (r.status === 'rejected') {
      failure ??= r.reason
      return
    }
    // Only this call's partition counts as acknowledged, and only if kafkajs reports it.
    const own = fromRecordMetadata(r.value).find((m) => m.topic === c.topic && m.partition === c.partition)
    if (own) acked.push(own)
    else if (acks === 0) acked.push({ topic: c.topic, partition: c.partition, baseOffset: undefined })
  })
  if (failure !== undefined) {
    const error = failure instanceof Error ? failure : new Error(String(failure))
    throw Object.assign(error, { acked })
  }
  return acked
}

function fromRecordMetadata(result: RecordMetadata[]): EngineRecordMetadata[] {
  return result.map((r) => ({ topic: r.topicName, partition: r.partition, baseOffset: r.baseOffset }))
}

const CLUSTER_RETRY = { initialRetryTime: 100, maxRetryTime: 2000, retries: 15 } as const

function kafkaConfig(options: KafkajsEngineOptions): KafkaConfig {
  const logger = options.logger
  return {
    clientId: options.clientId ?? 'kafkit',
    brokers: [...(options.brokers ?? [])],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30000,
    // Short, capped back-off that outlasts a broker being fenced (~9 s) after a crash: kafkajs' default
    // (5 retries from 300 ms) gives up on metadata refreshes before the controller moves leadership.
    retry: CLUSTER_RETRY,
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    // kafkajs would log to the console by default; a library must not.
    logCreator: () => (entry) => {
      if (!logger) return
      const { message, ...rest } = entry.log
      if (entry.level <= logLevel.ERROR) logger.error(rest, `kafkajs: ${message}`)
      else logger.warn(rest, `kafkajs: ${message}`)
    },
  }
}

/**
 * Partition counts for refuseMissingPartitions (kafkajs resolves a send to a partition the topic
 * does not have with nothing acknowledged and no error): cached per producer, read through an admin
 * client opened on first use and closed with the producer. One retry: an unknown topic is left to
 * the send rather than waited for.
 */
function kafkajsPartitionCounts(kafka: Kafka): { countsOf: PartitionCountsOf; close(): Promise<void> } {
  const counts = new Map<string, number>()
  let admin: Promise<Admin> | undefined
  return {
    async countsOf(topics, fresh) {
      if (!fresh && topics.every((t) => counts.has(t))) return counts
      try {
        admin ??= (async () => {
          const a = kafka.admin({ retry: { retries: 1 } })
          await a.connect()
          return a
        })()
        const meta = await (await admin).fetchTopicMetadata({ topics: [...topics] })
        for (const t of meta.topics) counts.set(t.name, t.partitions.length)
      } catch {
        // An unknown topic, or no answer: the send reports it.
      }
      return counts
    },
    async close() {
      const a = admin
      admin = undefined
      await (await a?.catch(() => undefined))?.disconnect()
    },
  }
}

function kafkajsProducer(kafka: Kafka, o: EngineProducerOptions): EngineProducer {
  const compression = KAFKAJS_CODECS[o.compression]
  if (compression === undefined) {
    throw new ClientError(
      'KAFKIT_INVALID_OPTIONS',
      `the kafkajs engine cannot compress with ${o.compression} (it has none, gzip and zstd): choose one of those, or engine: 'platformatic'`,
      { details: { compression: o.compression, engine: 'kafkajs' } },
    )
  }
  const producer = kafka.producer({
    idempotent: o.idempotent,
    // kafkajs keeps ordering with idempotence only with one request in flight per broker.
    maxInFlightRequests: o.idempotent ? 1 : 5,
    retry: { ...CLUSTER_RETRY, retries: o.retries },
    allowAutoTopicCreation: false,
  })
  const partitions = kafkajsPartitionCounts(kafka)
  return {
    connect: () => producer.connect(),
    async disconnect() {
      await partitions.close().catch(() => {})
      await producer.disconnect()
    },
    send: async (batches) => {
      await refuseMissingPartitions(batches, partitions.countsOf)
      return sendPerPartition(batches, o.acks, (topicMessages) =>
        producer.sendBatch({
          acks: o.acks,
          timeout: o.timeoutMs,
          compression,
          topicMessages,
        }),
      )
    },
  }
}

function kafkajsConsumer(kafka: Kafka, o: EngineConsumerOptions): EngineConsumer {
  const consumer: Consumer = kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs,
    heartbeatInterval: o.heartbeatIntervalMs,
    maxBytesPerPartition: o.maxBytesPerPartition,
    allowAutoTopicCreation: false,
    retry: { restartOnFailure: async (error) => o.restartOnFailure(error) },
    ...(o.maxWaitTimeMs !== undefined ? { maxWaitTimeInMs: o.maxWaitTimeMs } : {}),
    ...(o.minBytes !== undefined ? { minBytes: o.minBytes } : {}),
  })
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) o.onCrash(event.payload.error)
  })
  const onCommit = o.onCommit
  if (onCommit) {
    consumer.on(consumer.events.COMMIT_OFFSETS, (event) => {
      onCommit(
        event.payload.topics.flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.topic, partition: Number(p.partition), offset: p.offset })),
        ),
      )
    })
  }
  return {
    connect: () => consumer.connect(),
    subscribe: ({ topics, fromBeginning }) => consumer.subscribe({ topics: [...topics], fromBeginning }),
    run: ({ eachBatch, partitionsConsumedConcurrently }) =>
      consumer.run({
        autoCommit: true,
        // Offsets are resolved record by record by the Kafkit consumer, never for the whole batch.
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently,
        eachBatch: async (payload) => {
          const { batch } = payload
          const records = batch.messages.map(
            (m): EngineRecord => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              timestamp: m.timestamp,
              key: m.key ?? null,
              value: m.value ?? null,
              headers: normalizeHeaders(m.headers),
            }),
          )
          await eachBatch({
            topic: batch.topic,
            partition: batch.partition,
            records,
            highWatermark: batch.highWatermark,
            resolveOffset: (offset) => payload.resolveOffset(offset),
            heartbeat: () => payload.heartbeat(),
            commitOffsetsIfNecessary: () => payload.commitOffsetsIfNecessary(),
            isActive: () => payload.isRunning() && !payload.isStale(),
          })
        },
      }),
    pause: (topics) => consumer.pause(topics.map(toKafkajsTopicPartitions)),
    resume: (topics) => consumer.resume(topics.map(toKafkajsTopicPartitions)),
    commitOffsets: (offsets) => consumer.commitOffsets(offsets.map((x) => ({ ...x }))),
    stop: () => consumer.stop(),
    disconnect: () => consumer.disconnect(),
  }
}

function toKafkajsTopicPartitions(t: EngineTopicPartitions): { topic: string; partitions?: number[] } {
  return t.partitions ? { topic: t.topic, partitions: [...t.partitions] } : { topic: t.topic }
}

function normalizeHeaders(headers: Record<string, unknown> | undefined): Record<string, Buffer | undefined> {
  const out: Record<string, Buffer | undefined> = {}
  if (!headers) return out
  for (const [k, v] of Object.entries(headers)) {
    // kafkajs gives an array when a header name repeats; Kafkit exposes the last value.
    const last = Array.isArray(v) ? v[v.length - 1] : v
    out[k] = last === undefined ? undefined : Buffer.isBuffer(last) ? last : Buffer.from(String(last))
  }
  return out
}

function kafkajsAdmin(kafka: Kafka): EngineAdmin {
  const admin = kafka.admin()
  // Missing topics are left out of describe results rather than failing the whole request.
  const existingTopics = async (topics: readonly string[]) => {
    if (topics.length === 0) return []
    const all = new Set(await admin.listTopics())
    return topics.filter((t) => all.has(t))
  }
  const describeConfigs = async (topics: readonly string[]) => {
    const out = new Map<string, EngineTopicConfigEntry[]>()
    const existing = await existingTopics(topics)
    if (existing.length === 0) return out
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: existing.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    })
    for (const r of res.resources) {
      out.set(
        r.resourceName,
        r.configEntries.map((e) => ({
          name: e.configName,
          value: e.configValue,
          isDefault: e.isDefault || e.configSource !== ConfigSource.TOPIC_CONFIG,
        })),
      )
    }
    return out
  }
  return {
    connect: () => admin.connect(),
    disconnect: () => admin.disconnect(),
    listTopics: () => admin.listTopics(),
    async describeTopics(topics) {
      const existing = await existingTopics(topics)
      if (existing.length === 0) return []
      const res = await admin.fetchTopicMetadata({ topics: existing })
      return res.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionId, replicas: p.replicas }))
          .sort((a, b) => a.partition - b.partition),
      }))
    },
    describeTopicConfigs: describeConfigs,
    async describeBrokerConfigs(names) {
      const { brokers } = await admin.describeCluster()
      const broker = brokers[0]
      if (!broker) return Object.fromEntries(names.map((n) => [n, null]))
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configNames: [...names] },
        ],
      })
      const entries = new Map(
        (res.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue] as const),
      )
      return Object.fromEntries(names.map((n) => [n, entries.get(n) ?? null]))
    },
    async createTopics(topics) {
      // kafkajs' own waitForLeaders gives up when metadata does not know the topic yet; poll instead.
      await admin.createTopics({
        waitForLeaders: false,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      })
      await waitForLeaders(
        admin,
        topics.map((t) => t.name),
      )
    },
    async createPartitions(topics) {
      await admin.createPartitions({
        topicPartitions: topics.map((t) => ({ topic: t.name, count: t.count })),
      })
    },
    async alterTopicConfigs(topic, configs) {
      // kafkajs only speaks the non-incremental AlterConfigs, which resets every topic config it is
      // not given: send the topic's current overrides together with the changes.
      const current = (await describeConfigs([topic])).get(topic) ?? []
      const merged: Record<string, string> = {}
      for (const e of current) if (!e.isDefault && e.value !== null) merged[e.name] = e.value
      Object.assign(merged, configs)
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })),
          },
        ],
      })
    },
    deleteTopics: (topics) => admin.deleteTopics({ topics: [...topics] }),
    async endOffsets(topic) {
      const res = await admin.fetchTopicOffsets(topic)
      return res.map((p) => ({ partition: p.partition, offset: p.high }))
    },
  }
}

/** Waits until every partition of the topics has a leader (new topics take a moment to appear). */
async function waitForLeaders(
  admin: ReturnType<Kafka['admin']>,
  topics: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics })
      const ready = meta.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      )
      if (ready) return
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
