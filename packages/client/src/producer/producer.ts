import type { AvroSerdeDescriptor, SerdeDescriptor, TopicDescriptor } from '@kafkit/common'
import type { EngineAdmin, EngineMessage, EngineProducer, KafkaEngine } from '../engine/types'
import { ClientError, isAuthFailure } from '../errors'
import { markClosed, markOpen } from '../handles'
import { type Logger, silentLogger } from '../logger'
import { engineOf } from '../options-util'
import {
  checkPartition,
  type Partitioner,
  partitionForKey,
  partitionKeyBytes,
  RoundRobin,
  readPath,
} from '../partitioners'
import { encodeAvroFramable, writeHeader } from '../serdes/avro'
import type { SchemaRegistry } from '../serdes/registry'
import { subjectFor } from '../serdes/subjects'
import { parseSide, validateSide } from '../serdes/validate'
import {
  frame,
  frameGuid,
  HEADER_SIZE,
  KEY_SCHEMA_ID_HEADER,
  schemaIdHeader,
  VALUE_SCHEMA_ID_HEADER,
} from '../serdes/wire-format'
import { VerifiedProducer } from './delivery'
import { PublishGuard, type WriterSchema } from './guard'
import { PartitionCounts } from './metadata'
import { type ProducerOptions, type ResolvedProducerOptions, resolveProducerOptions } from './options'
import type { ProducerRecord, RecordHeaders, RecordMetadata, TopicByName, TopicNames } from './types'

interface EncodedRecord {
  readonly message: EngineMessage
  readonly keySchemaId: number | undefined
  readonly valueSchemaId: number | undefined
}

/**
 * A typed producer: validates (zod), guards schemas with the registry, encodes in the Confluent
 * wire format, partitions like the Java client, and sends with reliable defaults.
 */
export class Producer<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]> {
  readonly options: Readonly<ResolvedProducerOptions>
  readonly #engine: KafkaEngine
  readonly #byName = new Map<string, TopicDescriptor>()
  readonly #guard: PublishGuard | undefined
  readonly #registry: SchemaRegistry | undefined
  readonly #logger: Logger
  readonly #roundRobin = new RoundRobin()
  readonly #partitionCounts: PartitionCounts
  readonly #producer: VerifiedProducer
  #admin: EngineAdmin | undefined
  #connecting: Promise<void> | undefined
  #closed = false

  constructor(options: ProducerOptions<Topics>) {
    this.options = resolveProducerOptions(options)
    const o = this.options
    this.#logger = o.logger ?? silentLogger
    this.#engine = engineOf(o)
    for (const t of o.topics as unknown as readonly TopicDescriptor[]) this.#byName.set(t.name, t)
    this.#registry = o.registry
    this.#guard = o.registry
      ? new PublishGuard(o.registry, { autoRegister: o.autoRegister, useLatest: o.useLatest })
      : undefined
    // Every send goes through the delivery check: the engine's resolve alone is not trusted.
    this.#producer = new VerifiedProducer(
      () =>
        this.#engine.producer({
          idempotent: o.idempotent,
          acks: o.acks,
          retries: o.retries,
          timeoutMs: o.requestTimeoutMs,
          compression: o.compression,
        }),
      { acks: o.acks, logger: this.#logger },
    )
    this.#partitionCounts = new PartitionCounts(async () => {
      await this.connect()
      return this.#admin!
    }, o.metadataMaxAgeMs)
  }

  /** Connects now (optional: the first send connects). */
  connect(): Promise<void> {
    if (this.#closed)
      return Promise.reject(new ClientError('KAFKIT_CLIENT_SEND_FAILED', 'the producer is disconnected'))
    if (this.#connecting === undefined) {
      this.#admin = this.#engine.admin()
      markOpen(this, `Producer (clientId '${this.options.clientId}')`)
      this.#connecting = Promise.all([this.#producer.connect(), this.#admin.connect()]).then(
        () => undefined,
        (error: unknown) => {
          this.#connecting = undefined
          markClosed(this)
          if (isAuthFailure(error)) throw error
          throw new ClientError(
            'KAFKIT_CLIENT_SEND_FAILED',
            `could not connect to Kafka: ${(error as Error).message}`,
            {
              cause: error,
              canRetry: true,
            },
          )
        },
      )
    }
    return this.#connecting
  }

  async disconnect(): Promise<void> {
    this.#closed = true
    if (this.#connecting === undefined) return
    await this.#connecting.catch(() => {})
    // Sends already accepted finish (or fail) before the connections close.
    await Promise.allSettled([this.#producer.disconnect(), this.#admin?.disconnect()])
    markClosed(this)
  }

  /** Records handed to Kafka and not yet acknowledged, and records queued behind them. */
  get pending(): { inFlight: number; queued: number } {
    return { inFlight: this.#producer.inFlightRecords, queued: this.#producer.queuedRecords }
  }

  /** Sends one record and resolves once the broker acknowledged it (per `acks`). */
  send<T extends TopicDescriptor>(topic: T, record: ProducerRecord<T>): Promise<RecordMetadata>
  send<N extends TopicNames<Topics>>(
    topic: N,
    record: ProducerRecord<TopicByName<Topics, N>>,
  ): Promise<RecordMetadata>
  async send(
    topic: TopicDescriptor | string,
    record: ProducerRecord<TopicDescriptor>,
  ): Promise<RecordMetadata> {
    const [meta] = await this.#sendMany(this.#descriptor(topic), [record])
    return meta!
  }

  /**
   * Sends records to one topic in one request. Every record is validated and encoded first: if any
   * is invalid, none is sent.
   */
  sendBatch<T extends TopicDescriptor>(
    topic: T,
    records: readonly ProducerRecord<T>[],
  ): Promise<RecordMetadata[]>
  sendBatch<N extends TopicNames<Topics>>(
    topic: N,
    records: readonly ProducerRecord<TopicByName<Topics, N>>[],
  ): Promise<RecordMetadata[]>
  sendBatch(
    topic: TopicDescriptor | string,
    records: readonly ProducerRecord<TopicDescriptor>[],
  ): Promise<RecordMetadata[]> {
    return this.#sendMany(this.#descriptor(topic), records)
  }

  /** Runs the publish guard for a topic now (it otherwise runs before the first send). */
  async checkSchemas(
    topic: TopicDescriptor | TopicNames<Topics>,
  ): Promise<{ key?: WriterSchema; value?: WriterSchema }> {
    const d = this.#descriptor(topic)
    const [key, value] = await Promise.all([this.#writer(d, 'key'), this.#writer(d, 'value')])
    return { ...(key ? { key } : {}), ...(value ? { value } : {}) }
  }

  #descriptor(topic: TopicDescriptor | string): TopicDescriptor {
    if (typeof topic !== 'string') return topic
    const d = this.#byName.get(topic)
    if (!d) {
      throw new ClientError(
        'KAFKIT_CLIENT_UNKNOWN_TOPIC',
        `topic '${topic}' is not one this producer was created with (${[...this.#byName.keys()].join(', ') || 'none'}): add its descriptor to \`topics\` or pass the descriptor to send()`,
        { details: { topic } },
      )
    }
    return d
  }

  async #writer(d: TopicDescriptor, side: 'key' | 'value'): Promise<WriterSchema | undefined> {
    const serde = d[side] as SerdeDescriptor
    if (serde.kind !== 'avro') return undefined
    if (!this.#guard) {
      throw new ClientError(
        'KAFKIT_INVALID_OPTIONS',
        `topic '${d.name}' has an Avro ${side}: pass \`registry\` to createProducer`,
        { details: { topic: d.name, side } },
      )
    }
    const subject = subjectFor(d, side, this.options.subjectNameStrategy)!
    const writer = await this.#guard.check(subject, serde as AvroSerdeDescriptor<unknown, unknown>)
    const format = this.options.schemaIdFormat
    if (format !== 'id' && writer.guid === undefined) {
      throw new ClientError(
        'KAFKIT_INVALID_OPTIONS',
        `schemaIdFormat '${format}' needs the schema's GUID, but the registry answered none for subject '${subject}': use a registry with Confluent 8's API (Kafkit's, Confluent Platform 8) or schemaIdFormat 'id'`,
        { details: { topic: d.name, side, subject } },
      )
    }
    return writer
  }

  async #sendMany(
    d: TopicDescriptor,
    records: readonly ProducerRecord<TopicDescriptor>[],
  ): Promise<RecordMetadata[]> {
    if (records.length === 0) return []
    const validate = this.options.validate
    const partitioner = (this.options.partitioners as Record<string, Partitioner>)[d.name]
    // A custom partitioner reads the value as its full output type: give it zod's output (defaults
    // filled in), as before the fast check existed.
    const check = partitioner ? parseSide : validateSide
    // 1. Validate and encode everything before any network call: a bad payload sends nothing. Avro
    // payloads are written now, so a value the caller changes after `send` returns is sent as it was.
    const checked = records.map((r) => {
      const rr = r as { key?: unknown; value: unknown }
      const key = validate ? check(d.name, 'key', d.key, rr.key) : (rr.key ?? null)
      const value = validate ? check(d.name, 'value', d.value, rr.value) : rr.value
      return {
        record: r,
        key,
        value,
        keyAvro: avroPayload(d.key, key),
        valueAvro: avroPayload(d.value, value),
      }
    })
    // The place in the send order is taken now: sends leave in call order, whichever finishes its
    // schema lookups first.
    const slot = this.#producer.reserve()
    let encoded: EncodedRecord[]
    try {
      // 2. Publish guard (cached after the first send per subject).
      const [keyWriter, valueWriter] = await Promise.all([this.#writer(d, 'key'), this.#writer(d, 'value')])
      await this.connect()
      const partitionCount = await this.#partitionCounts.get(d.name)
      // 3. Frame and partition.
      const format = this.options.schemaIdFormat
      // The header form names the schema in a header and sends the bare Avro as key/value.
      const schemaHeaders: Record<string, Buffer> = {}
      if (format === 'guid-header') {
        if (keyWriter?.guid) schemaHeaders[KEY_SCHEMA_ID_HEADER] = schemaIdHeader({ guid: keyWriter.guid })
        if (valueWriter?.guid)
          schemaHeaders[VALUE_SCHEMA_ID_HEADER] = schemaIdHeader({ guid: valueWriter.guid })
      }
      const withSchemaHeaders = Object.keys(schemaHeaders).length > 0
      encoded = checked.map((c) => {
        const keyBytes = encodeSide(d.key, c.key, c.keyAvro, keyWriter, format)
        const valueBytes = encodeSide(d.value, c.value, c.valueAvro, valueWriter, format)
        const partition = this.#partition(d, c.record, c.key, c.value, keyBytes, partitionCount, partitioner)
        return {
          keySchemaId: keyWriter?.schemaId,
          valueSchemaId: valueWriter?.schemaId,
          message: {
            key: keyBytes,
            value: valueBytes,
            partition,
            headers: withSchemaHeaders
              ? { ...(c.record.headers ? toHeaders(c.record.headers) : {}), ...schemaHeaders }
              : c.record.headers
                ? toHeaders(c.record.headers)
                : undefined,
            timestamp: timestampOf(c.record.timestamp),
          },
        }
      })
    } catch (error) {
      slot.cancel()
      throw error
    }
    // 4. Send; offsets per record follow from each partition's base offset.
    let acked: Awaited<ReturnType<EngineProducer['send']>>
    try {
      acked = await slot.send([{ topic: d.name, messages: encoded.map((e) => e.message) }])
    } catch (error) {
      if (error instanceof ClientError) throw error
      const e = error as { message?: string; retriable?: boolean }
      throw new ClientError(
        'KAFKIT_CLIENT_SEND_FAILED',
        `sending ${encoded.length} record(s) to '${d.name}' failed: ${e.message ?? String(error)}`,
        { cause: error, details: { topic: d.name }, canRetry: e.retriable ?? true },
      )
    }
    const base = new Map(acked.map((a) => [a.partition, a.baseOffset]))
    const seen = new Map<number, number>()
    return encoded.map((e) => {
      const p = e.message.partition
      const i = seen.get(p) ?? 0
      seen.set(p, i + 1)
      const b = base.get(p)
      return {
        topic: d.name,
        partition: p,
        offset: b === undefined || b === '-1' ? undefined : (BigInt(b) + BigInt(i)).toString(),
        keySchemaId: e.keySchemaId,
        valueSchemaId: e.valueSchemaId,
      }
    })
  }

  #partition(
    d: TopicDescriptor,
    record: ProducerRecord<TopicDescriptor>,
    key: unknown,
    value: unknown,
    keyBytes: Buffer | null,
    partitionCount: number,
    partitioner: Partitioner | undefined,
  ): number {
    if (record.partition !== undefined) return checkPartition(d.name, record.partition, partitionCount)
    if (partitioner) {
      return checkPartition(
        d.name,
        partitioner({ topic: d.name, partitionCount, key, value, keyBytes }),
        partitionCount,
      )
    }
    if (d.partitionKey !== undefined) {
      let field = readPath(value, d.partitionKey)
      if (field === undefined && this.options.validate && d.value.kind === 'avro') {
        // The fast check lets an omitted field with a default through as is: its value is the default.
        const parsed = d.value.validator.safeParse(value)
        if (parsed.success) field = readPath(parsed.data, d.partitionKey)
      }
      const bytes = partitionKeyBytes(field)
      if (bytes !== null) return partitionForKey(bytes, partitionCount)
      this.#logger.debug?.({ topic: d.name }, 'partitionKey field is empty; record goes round-robin')
      return this.#roundRobin.next(d.name, partitionCount)
    }
    if (keyBytes !== null) return partitionForKey(keyBytes, partitionCount)
    return this.#roundRobin.next(d.name, partitionCount)
  }

  get registry(): SchemaRegistry | undefined {
    return this.#registry
  }
}

/** The Avro payload of one side, with room for the wire-format header; undefined for other serdes. */
function avroPayload(serde: SerdeDescriptor, value: unknown): Buffer | undefined {
  return serde.kind === 'avro' ? encodeAvroFramable(serde.type, value) : undefined
}

function encodeSide(
  serde: SerdeDescriptor,
  value: unknown,
  framable: Buffer | undefined,
  writer: WriterSchema | undefined,
  format: ResolvedProducerOptions['schemaIdFormat'],
): Buffer | null {
  switch (serde.kind) {
    case 'avro': {
      const w = writer as WriterSchema
      // The common case: the header goes into the room left in front of the payload, no copy.
      if (format === 'id' && !w.convert) return writeHeader(framable as Buffer, w.schemaId)
      const bare = (framable as Buffer).subarray(HEADER_SIZE)
      // Written with the subject's latest schema (useLatest): the payload converted into it.
      const payload = w.convert ? w.convert(bare) : bare
      if (format === 'id') return frame(w.schemaId, payload)
      // #writer made sure a GUID format has its GUID.
      if (format === 'guid-prefix') return frameGuid(w.guid as string, payload)
      return payload
    }
    case 'string':
      return value === null || value === undefined ? null : Buffer.from(String(value), 'utf8')
    case 'bytes':
      return value === null || value === undefined ? null : (value as Buffer)
    case 'null':
      return null
  }
}

function toHeaders(headers: RecordHeaders): Record<string, Buffer | string> {
  return { ...headers }
}

function timestampOf(t: number | Date | undefined): string | undefined {
  if (t === undefined) return undefined
  return String(t instanceof Date ? t.getTime() : t)
}
