import type { InvalidRecord } from '../consumer/types'
import type { EngineAdmin, EngineHeaders, EngineProducer, EngineRecord, KafkaEngine } from '../engine/types'
import { ClientError } from '../errors'
import { reliableEngineProducer } from '../producer/delivery'

/**
 * Names users of Spring Kafka recognise: `<topic>-retry-N` (N from 1) and `<topic>-dlt`.
 */
export const retryTopicName = (topic: string, level: number): string => `${topic}-retry-${level}`
export const deadLetterTopicName = (topic: string): string => `${topic}-dlt`

/**
 * Provenance headers on dead-letter (and retry) records. Values are UTF-8 strings. The `original-*`
 * headers name where the record was first read, even after it went through retry topics.
 */
export const DLT_HEADERS = Object.freeze({
  originalTopic: 'kafkit-dlt-original-topic',
  originalPartition: 'kafkit-dlt-original-partition',
  originalOffset: 'kafkit-dlt-original-offset',
  originalTimestamp: 'kafkit-dlt-original-timestamp',
  group: 'kafkit-dlt-group',
  errorClass: 'kafkit-dlt-error-class',
  errorCode: 'kafkit-dlt-error-code',
  errorMessage: 'kafkit-dlt-error-message',
  errorStack: 'kafkit-dlt-error-stack',
  attempts: 'kafkit-dlt-attempts',
  schemaId: 'kafkit-dlt-schema-id',
  /** 'handler' when the handler failed, or the decode stage ('key', 'value', 'validate') of a poison pill. */
  stage: 'kafkit-dlt-stage',
})

/** Headers of records in retry topics: when they are due, and how many attempts were made. */
export const RETRY_HEADERS = Object.freeze({
  dueAt: 'kafkit-retry-due-at',
  attempts: 'kafkit-retry-attempts',
})

const STACK_LIMIT = 8 * 1024

/** Where a record was first read: its own coordinates, or those carried in its provenance headers. */
export function originOf(record: EngineRecord): {
  topic: string
  partition: number
  offset: string
  timestamp: string
} {
  const h = record.headers
  const s = (name: string) => h[name]?.toString('utf8')
  const topic = s(DLT_HEADERS.originalTopic)
  if (topic === undefined) {
    return {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
    }
  }
  return {
    topic,
    partition: Number(s(DLT_HEADERS.originalPartition) ?? record.partition),
    offset: s(DLT_HEADERS.originalOffset) ?? record.offset,
    timestamp: s(DLT_HEADERS.originalTimestamp) ?? record.timestamp,
  }
}

/** Attempts already made on a record (from its retry headers; 0 for a record never retried). */
export function attemptsOf(record: EngineRecord): number {
  const v = record.headers[RETRY_HEADERS.attempts]?.toString('utf8')
  const n = v === undefined ? 0 : Number(v)
  return Number.isFinite(n) && n >= 0 ? n : 0
}

/** Confluent schema id of a framed value (magic byte 0, 4-byte id), else undefined. */
export function schemaIdOf(value: Buffer | null): number | undefined {
  if (!value || value.length < 5 || value[0] !== 0) return undefined
  return value.readInt32BE(1)
}

export interface FailureInfo {
  readonly error: unknown
  readonly attempts: number
  readonly group: string
  readonly stage: string
}

/** Headers of a dead letter: the record's own headers (minus old kafkit-retry ones) plus provenance. */
export function deadLetterHeaders(record: EngineRecord, failure: FailureInfo): EngineHeaders {
  const origin = originOf(record)
  const e = failure.error
  const err = e instanceof Error ? e : new Error(String(e))
  const headers: EngineHeaders = {}
  for (const [k, v] of Object.entries(record.headers)) {
    if (!k.startsWith('kafkit-retry-')) headers[k] = v
  }
  const code = (err as { code?: unknown }).code
  Object.assign(headers, {
    [DLT_HEADERS.originalTopic]: origin.topic,
    [DLT_HEADERS.originalPartition]: String(origin.partition),
    [DLT_HEADERS.originalOffset]: origin.offset,
    [DLT_HEADERS.originalTimestamp]: origin.timestamp,
    [DLT_HEADERS.group]: failure.group,
    [DLT_HEADERS.errorClass]: err.name || err.constructor?.name || 'Error',
    [DLT_HEADERS.errorMessage]: err.message,
    [DLT_HEADERS.errorStack]: (err.stack ?? '').slice(0, STACK_LIMIT),
    [DLT_HEADERS.attempts]: String(failure.attempts),
    [DLT_HEADERS.stage]: failure.stage,
  })
  if (typeof code === 'string') headers[DLT_HEADERS.errorCode] = code
  const schemaId = schemaIdOf(record.value)
  if (schemaId !== undefined) headers[DLT_HEADERS.schemaId] = String(schemaId)
  return headers
}

/** Headers of a record sent to a retry topic: provenance so far, attempts and the due time. */
export function retryHeaders(record: EngineRecord, failure: FailureInfo, dueAt: number): EngineHeaders {
  const headers = deadLetterHeaders(record, failure)
  headers[RETRY_HEADERS.attempts] = String(failure.attempts)
  headers[RETRY_HEADERS.dueAt] = String(dueAt)
  return headers
}

/**
 * Creates the retry and dead-letter topics of each source topic when missing, with the source's
 * partition count (so a record keeps its partition number) and its replication factor.
 */
export async function ensureErrorTopics(
  admin: EngineAdmin,
  sources: readonly string[],
  retryLevels: number,
  withDeadLetter: boolean,
): Promise<void> {
  const described = await admin.describeTopics(sources)
  const byName = new Map(described.map((d) => [d.name, d]))
  const wanted: { name: string; partitions: number; replicationFactor: number }[] = []
  for (const source of sources) {
    const d = byName.get(source)
    if (!d || d.partitions.length === 0) {
      throw new ClientError(
        'KAFKIT_CLIENT_TOPIC_NOT_FOUND',
        `topic '${source}' does not exist, so its retry/dead-letter topics cannot be sized: create it first`,
        { details: { topic: source } },
      )
    }
    const partitions = d.partitions.length
    const replicationFactor = Math.max(1, d.partitions[0]?.replicas.length ?? 1)
    for (let n = 1; n <= retryLevels; n++) {
      wanted.push({ name: retryTopicName(source, n), partitions, replicationFactor })
    }
    if (withDeadLetter) wanted.push({ name: deadLetterTopicName(source), partitions, replicationFactor })
  }
  const existing = new Set(await admin.listTopics())
  const missing = wanted.filter((w) => !existing.has(w.name))
  if (missing.length === 0) return
  try {
    await admin.createTopics(missing.map((m) => ({ ...m, configs: {} })))
  } catch (error) {
    // Another group member may have created them at the same moment.
    const now = new Set(await admin.listTopics())
    if (!missing.every((m) => now.has(m.name))) {
      throw new ClientError(
        'KAFKIT_CLIENT_ADMIN_FAILED',
        `could not create retry/dead-letter topics ${missing.map((m) => m.name).join(', ')}: ${(error as Error).message}`,
        { cause: error },
      )
    }
  }
}

/**
 * Sends raw records (original key/value bytes) to retry and dead-letter topics, to the same
 * partition number as the source record.
 */
export class ErrorTopicPublisher {
  readonly #producer: EngineProducer
  #connected: Promise<void> | undefined

  constructor(producer: EngineProducer) {
    this.#producer = producer
  }

  async send(topic: string, record: EngineRecord, headers: EngineHeaders): Promise<void> {
    this.#connected ??= this.#producer.connect()
    await this.#connected
    await this.#producer.send([
      {
        topic,
        messages: [{ key: record.key, value: record.value, partition: record.partition, headers }],
      },
    ])
  }

  async close(): Promise<void> {
    if (this.#connected) await this.#producer.disconnect().catch(() => {})
  }
}

/**
 * A `deadLetterSink` for the plain consumer's `onInvalid: 'dead-letter'` policy: sends each
 * invalid record (original bytes) to `<topic>-dlt` with the same provenance headers as the group
 * consumer. Creates the dead-letter topics on first use; call `close()` after the consumer stopped.
 */
export function createDeadLetterSender(options: {
  kafka: KafkaEngine
  groupId: string
}): ((record: InvalidRecord) => Promise<void>) & { close(): Promise<void> } {
  const publisher = new ErrorTopicPublisher(reliableEngineProducer(options.kafka))
  const ensured = new Map<string, Promise<void>>()
  const ensure = (topic: string) => {
    let p = ensured.get(topic)
    if (!p) {
      p = (async () => {
        const admin = options.kafka.admin()
        await admin.connect()
        try {
          await ensureErrorTopics(admin, [topic], 0, true)
        } finally {
          await admin.disconnect().catch(() => {})
        }
      })()
      // A failed creation is retried on the next record.
      p.catch(() => ensured.delete(topic))
      ensured.set(topic, p)
    }
    return p
  }
  const send = async (record: InvalidRecord) => {
    await ensure(record.topic)
    const headers = deadLetterHeaders(record, {
      error: record.error,
      attempts: 1,
      group: options.groupId,
      stage: record.stage,
    })
    await publisher.send(deadLetterTopicName(record.topic), record, headers)
  }
  return Object.assign(send, { close: () => publisher.close() })
}
