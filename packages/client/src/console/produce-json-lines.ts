import {
  isKafkitError,
  type KafkitError,
  type SerdeDescriptor,
  subjectName,
  type TopicDescriptor,
} from '@kafkit/common'
import { z } from 'zod'
import type { KafkaEngine } from '../engine/types'
import { ClientError } from '../errors'
import {
  connectionShape,
  engineOf,
  engineWithBrokers,
  functionOption,
  loggerOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
  registryOption,
} from '../options-util'
import { Producer } from '../producer/producer'
import type { ProducerRecord } from '../producer/types'
import { genericAvroSchema, jsonToAvro } from '../serdes/json-form'
import { genericAvroSerde } from './generic-serde'

export const produceJsonLinesOptionsSchema = z
  .object({
    ...connectionShape,
    /** Needed when a key or value schema is given: a URL or a `SchemaRegistry`. */
    registry: registryOption([
      'register',
      'lookup',
      'getSchemaById',
      'getVersion',
      'testCompatibility',
      'getConfig',
    ]),
    topic: z.string().min(1, 'topic is required'),
    /** Avro schema (JSON) of values; without one the value is sent as UTF-8 text (strings as is, else JSON). */
    valueSchema: z.unknown().optional(),
    /** Avro schema (JSON) of keys; without one the key is a UTF-8 string (or null). */
    keySchema: z.unknown().optional(),
    subjectNameStrategy: z.enum(['topic', 'record', 'topic-record']).default('topic'),
    /** Default true, as in development; false requires the schemas to be registered already. */
    autoRegister: z.boolean().default(true),
    /**
     * Like Kafka's own console producer (default false): a missing topic is created when the broker has
     * `auto.create.topics.enable=true` (Kafka's default), with the broker's num.partitions and
     * default.replication.factor. When the broker does not allow it, sending fails with
     * KAFKIT_CLIENT_TOPIC_NOT_FOUND as usual.
     */
    autoCreateTopic: z.boolean().default(false),
    /** Records per produce request (default 500). */
    batchSize: z.number().int().min(1).default(500),
    /** Requests awaiting acknowledgement before reading pauses (default 8); they merge into one in flight. */
    maxPendingRequests: z.number().int().min(1).default(8),
    logger: loggerOption,
    /** Called after each acknowledged request with the running counts (for progress output). */
    onProgress: functionOption<(sent: number, pending: ProducePending) => void>('onProgress').optional(),
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)

/** Options of `produceJsonLines`, derived from the schema that validates them. */
export type ProduceJsonLinesOptions = OptionsInput<typeof produceJsonLinesOptionsSchema>

/** Records the producer holds: handed to Kafka and not yet acknowledged, and queued behind those. */
export interface ProducePending {
  readonly inFlight: number
  readonly queued: number
}

/** Records a send could not confirm: where they were going, how many, and why. */
export interface DeliveryFailure {
  readonly count: number
  readonly message: string
  readonly code: string | undefined
  readonly undelivered: readonly { topic: string; partition: number; count: number }[] | undefined
}

export interface BadLine {
  /** 1-based line number in the input. */
  readonly line: number
  readonly message: string
}

export interface ProduceJsonLinesResult {
  /** Records the broker acknowledged. */
  readonly sent: number
  /** Records not acknowledged, including those not attempted after the first failure. */
  readonly notDelivered: number
  /** What failed; after the first failure no further input is sent (its records count as not delivered). */
  readonly failures: readonly DeliveryFailure[]
  readonly bad: readonly BadLine[]
  readonly keySchemaId: number | undefined
  readonly valueSchemaId: number | undefined
}

/** An async iterable whose iteration has already begun (and so buffers what arrives meanwhile). */
function reading<T>(iterable: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = iterable[Symbol.asyncIterator]()
  return { [Symbol.asyncIterator]: () => iterator }
}

/** What a stock Kafka producer's metadata request does: create the topic if the broker auto-creates topics. */
async function createTopicIfBrokerWould(engine: KafkaEngine, topic: string): Promise<void> {
  const admin = engine.admin()
  await admin.connect()
  try {
    if ((await admin.listTopics()).includes(topic) || !admin.describeBrokerConfigs) return
    const configs = await admin.describeBrokerConfigs(['auto.create.topics.enable'])
    if (configs['auto.create.topics.enable'] !== 'true') return
    await admin
      .createTopics([{ name: topic, partitions: -1, replicationFactor: -1, configs: {} }])
      .catch(async (error: unknown) => {
        // Created meanwhile by someone else: fine.
        if (!(await admin.listTopics()).includes(topic)) throw error
      })
  } finally {
    await admin.disconnect()
  }
}

/**
 * The console producer: JSON lines `{"key": ..., "value": ..., "headers"?: {...}, "partition"?: n}`
 * in, records out, with the producer's reliable defaults, publish guard and partitioner. A bad line
 * is reported with its number and not sent; the other lines still are.
 */
export async function produceJsonLines(
  lines: AsyncIterable<string> | Iterable<string>,
  given: ProduceJsonLinesOptions,
): Promise<ProduceJsonLinesResult> {
  const options = parseOptions(produceJsonLinesOptionsSchema, given, 'produceJsonLines')
  // Iterate from the start, before anything awaits: a readline interface drops lines it emits while
  // nobody iterates (stdin can be read to its end during the topic check).
  const input = Symbol.asyncIterator in lines ? reading(lines) : lines
  const keyGeneric = options.keySchema === undefined ? undefined : genericAvroSchema(options.keySchema)
  const valueGeneric = options.valueSchema === undefined ? undefined : genericAvroSchema(options.valueSchema)
  const key: SerdeDescriptor =
    options.keySchema === undefined ? { kind: 'string' } : genericAvroSerde(options.keySchema)
  const value: SerdeDescriptor =
    options.valueSchema === undefined ? { kind: 'string' } : genericAvroSerde(options.valueSchema)
  const strategy = options.subjectNameStrategy
  const subject = (side: 'key' | 'value', s: SerdeDescriptor) => {
    if (s.kind !== 'avro') return undefined
    try {
      return subjectName(strategy, options.topic, side, s.fullName)
    } catch (error) {
      throw new ClientError('KAFKIT_INVALID_OPTIONS', (error as Error).message)
    }
  }
  const topic: TopicDescriptor = {
    name: options.topic,
    key,
    value,
    subjectNameStrategy: strategy,
    subjects: { key: subject('key', key), value: subject('value', value) },
    partitionKey: undefined,
  }
  const engine = engineOf(options, 'kafkit-console-producer')
  if (options.autoCreateTopic) await createTopicIfBrokerWould(engine, options.topic)
  const producer = new Producer({
    kafka: engine,
    registry: options.registry,
    autoRegister: options.autoRegister,
    validate: false,
    clientId: 'kafkit-console-producer',
    logger: options.logger,
  })
  const batchSize = options.batchSize
  const maxPending = options.maxPendingRequests
  const bad: BadLine[] = []
  const failures: DeliveryFailure[] = []
  let fatal: { error: unknown } | undefined
  let pending: ProducerRecord<TopicDescriptor>[] = []
  const outstanding = new Set<Promise<void>>()
  let sent = 0
  let skipped = 0
  let ids: { key: number | undefined; value: number | undefined } = { key: undefined, value: undefined }
  // Requests are not awaited one by one: the producer merges those queued while one is in flight,
  // and acknowledges them in order.
  const flush = () => {
    if (pending.length === 0) return
    const records = pending
    pending = []
    const request = producer.sendBatch(topic, records).then(
      (meta) => {
        sent += meta.length
        ids = { key: meta[0]?.keySchemaId, value: meta[0]?.valueSchemaId }
        options.onProgress?.(sent, producer.pending)
      },
      (error: unknown) => {
        if (
          !isKafkitError(error, 'KAFKIT_CLIENT_NOT_DELIVERED') &&
          !isKafkitError(error, 'KAFKIT_CLIENT_SEND_FAILED')
        ) {
          fatal ??= { error }
          return
        }
        const details = (error as KafkitError).details as {
          notDelivered?: number
          delivered?: number
          undelivered?: DeliveryFailure['undelivered']
        }
        sent += details.delivered ?? 0
        failures.push({
          count: details.notDelivered ?? records.length,
          message: (error as Error).message,
          code: (error as KafkitError).code,
          undelivered: details.undelivered,
        })
      },
    )
    outstanding.add(request)
    void request.finally(() => outstanding.delete(request))
  }
  const stopped = () => failures.length > 0 || fatal !== undefined
  try {
    let n = 0
    for await (const raw of input) {
      n++
      if (raw.trim() === '') continue
      let record: ProducerRecord<TopicDescriptor>
      try {
        record = parseLine(raw, keyGeneric, valueGeneric)
      } catch (error) {
        bad.push({ line: n, message: (error as Error).message })
        continue
      }
      // After a failure no more input is sent: records past a gap would land out of order.
      if (stopped()) {
        skipped++
        continue
      }
      pending.push(record)
      if (pending.length >= batchSize) {
        flush()
        while (outstanding.size >= maxPending) await Promise.race(outstanding)
      }
    }
    if (stopped()) skipped += pending.length
    else flush()
    while (outstanding.size > 0) await Promise.race(outstanding)
  } finally {
    await Promise.allSettled(outstanding)
    await producer.disconnect()
  }
  if (fatal) throw fatal.error
  const notDelivered = failures.reduce((c, f) => c + f.count, 0) + skipped
  return { sent, notDelivered, failures, bad, keySchemaId: ids.key, valueSchemaId: ids.value }
}

function parseLine(
  raw: string,
  keyGeneric: ReturnType<typeof genericAvroSchema> | undefined,
  valueGeneric: ReturnType<typeof genericAvroSchema> | undefined,
): ProducerRecord<TopicDescriptor> {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`)
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !('value' in parsed)) {
    throw new Error('expected an object {"key": ..., "value": ...}')
  }
  const line = parsed as { key?: unknown; value: unknown; headers?: unknown; partition?: unknown }
  const extra = Object.keys(line).filter((k) => !['key', 'value', 'headers', 'partition'].includes(k))
  if (extra.length > 0)
    throw new Error(`unknown member(s) ${extra.join(', ')}: a line has key, value, headers, partition`)
  let key: unknown = null
  if (keyGeneric) {
    try {
      key = jsonToAvro(keyGeneric, line.key ?? null)
    } catch (error) {
      throw new Error(`key.${(error as Error).message}`)
    }
  } else if (line.key !== undefined && line.key !== null) {
    if (typeof line.key !== 'string')
      throw new Error('key: without --key-schema the key is a string (or null)')
    key = line.key
  }
  let value: unknown
  if (valueGeneric) {
    try {
      value = jsonToAvro(valueGeneric, line.value)
    } catch (error) {
      throw new Error(`value.${(error as Error).message}`)
    }
  } else {
    value = typeof line.value === 'string' ? line.value : JSON.stringify(line.value)
  }
  let headers: Record<string, string> | undefined
  if (line.headers !== undefined) {
    if (line.headers === null || typeof line.headers !== 'object' || Array.isArray(line.headers)) {
      throw new Error('headers: expected an object of strings')
    }
    headers = {}
    for (const [k, v] of Object.entries(line.headers)) {
      if (typeof v !== 'string') throw new Error(`headers.${k}: expected a string`)
      headers[k] = v
    }
  }
  if (
    line.partition !== undefined &&
    (typeof line.partition !== 'number' || !Number.isInteger(line.partition))
  ) {
    throw new Error('partition: expected an integer')
  }
  return {
    key,
    value,
    headers,
    partition: line.partition as number | undefined,
  } as ProducerRecord<TopicDescriptor>
}
