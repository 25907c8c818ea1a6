import { type SerdeDescriptor, subjectName, type TopicDescriptor } from '@kafkit/common'
import { createKafkajsEngine } from '../engine/kafkajs'
import type { KafkaEngine } from '../engine/types'
import { ClientError } from '../errors'
import type { Logger } from '../logger'
import { Producer } from '../producer/producer'
import type { ProducerRecord } from '../producer/types'
import { genericAvroSchema, jsonToAvro } from '../serdes/json-form'
import type { SchemaRegistry } from '../serdes/registry'
import { genericAvroSerde } from './generic-serde'

export interface ProduceJsonLinesOptions {
  readonly brokers?: readonly string[] | undefined
  readonly kafka?: KafkaEngine | undefined
  readonly registry?: SchemaRegistry | string | undefined
  readonly topic: string
  /** Avro schema (JSON) of values; without one the value is sent as UTF-8 text (strings as is, else JSON). */
  readonly valueSchema?: unknown
  /** Avro schema (JSON) of keys; without one the key is a UTF-8 string (or null). */
  readonly keySchema?: unknown
  readonly subjectNameStrategy?: 'topic' | 'record' | 'topic-record' | undefined
  /** Default true, as in development; false requires the schemas to be registered already. */
  readonly autoRegister?: boolean | undefined
  /**
   * Like Kafka's own console producer (default false): a missing topic is created when the broker has
   * `auto.create.topics.enable=true` (Kafka's default), with the broker's num.partitions and
   * default.replication.factor. When the broker does not allow it, sending fails with
   * KAFKIT_CLIENT_TOPIC_NOT_FOUND as usual.
   */
  readonly autoCreateTopic?: boolean | undefined
  /** Records per produce request (default 500). */
  readonly batchSize?: number | undefined
  readonly logger?: Logger | undefined
  /** Called after each request with the running count (for progress output). */
  readonly onProgress?: ((sent: number) => void) | undefined
}

export interface BadLine {
  /** 1-based line number in the input. */
  readonly line: number
  readonly message: string
}

export interface ProduceJsonLinesResult {
  readonly sent: number
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
  options: ProduceJsonLinesOptions,
): Promise<ProduceJsonLinesResult> {
  // Iterate from the start, before anything awaits: a readline interface drops lines it emits while
  // nobody iterates (stdin can be read to its end during the topic check).
  const input = Symbol.asyncIterator in lines ? reading(lines) : lines
  const keyGeneric = options.keySchema === undefined ? undefined : genericAvroSchema(options.keySchema)
  const valueGeneric = options.valueSchema === undefined ? undefined : genericAvroSchema(options.valueSchema)
  const key: SerdeDescriptor =
    options.keySchema === undefined ? { kind: 'string' } : genericAvroSerde(options.keySchema)
  const value: SerdeDescriptor =
    options.valueSchema === undefined ? { kind: 'string' } : genericAvroSerde(options.valueSchema)
  const strategy = options.subjectNameStrategy ?? 'topic'
  const subject = (side: 'key' | 'value', s: SerdeDescriptor) => {
    if (s.kind !== 'avro') return undefined
    try {
      return subjectName(strategy, options.topic, side, s.fullName)
    } catch (error) {
      throw new ClientError('KAFKIT_CLIENT_INVALID_OPTIONS', (error as Error).message)
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
  // Without brokers (or an engine) the Producer's own validation says what is missing.
  const engine =
    options.kafka ??
    (options.brokers
      ? createKafkajsEngine({
          brokers: options.brokers,
          clientId: 'kafkit-console-producer',
          logger: options.logger,
        })
      : undefined)
  if (options.autoCreateTopic && engine) await createTopicIfBrokerWould(engine, options.topic)
  const producer = new Producer({
    ...(engine ? { kafka: engine } : { brokers: options.brokers }),
    registry: options.registry,
    autoRegister: options.autoRegister ?? true,
    validate: false,
    clientId: 'kafkit-console-producer',
    logger: options.logger,
  })
  const batchSize = options.batchSize ?? 500
  const bad: BadLine[] = []
  let pending: ProducerRecord<TopicDescriptor>[] = []
  let sent = 0
  let ids: { key: number | undefined; value: number | undefined } = { key: undefined, value: undefined }
  const flush = async () => {
    if (pending.length === 0) return
    const meta = await producer.sendBatch(topic, pending)
    sent += meta.length
    ids = { key: meta[0]?.keySchemaId, value: meta[0]?.valueSchemaId }
    pending = []
    options.onProgress?.(sent)
  }
  try {
    let n = 0
    for await (const raw of input) {
      n++
      if (raw.trim() === '') continue
      try {
        pending.push(parseLine(raw, keyGeneric, valueGeneric))
      } catch (error) {
        bad.push({ line: n, message: (error as Error).message })
        continue
      }
      if (pending.length >= batchSize) await flush()
    }
    await flush()
  } finally {
    await producer.disconnect()
  }
  return { sent, bad, keySchemaId: ids.key, valueSchemaId: ids.value }
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
