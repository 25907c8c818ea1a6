import type { KeyInputOf, TopicDescriptor, ValueInputOf } from '@kafkit/common'
import type { EngineName, EngineOption } from '../engine/resolve'
import type { EngineCompression } from '../engine/types'
import type { Logger } from '../logger'
import type { Partitioner } from '../partitioners'
import type { SchemaRegistry } from '../serdes/registry'

/** Header values as Kafka carries them: strings are sent as UTF-8. */
export type RecordHeaders = Readonly<Record<string, string | Buffer>>

type KeyField<T extends TopicDescriptor> = T['key'] extends { readonly kind: 'null' }
  ? { readonly key?: null | undefined }
  : { readonly key: KeyInputOf<T> }

/** One record for topic `T`: key and value typed by its descriptor (input side). */
export type ProducerRecord<T extends TopicDescriptor> = KeyField<T> & {
  readonly value: ValueInputOf<T>
  readonly headers?: RecordHeaders | undefined
  /** Overrides the partitioner. */
  readonly partition?: number | undefined
  /** Milliseconds since the epoch or a Date; the broker's time when omitted. */
  readonly timestamp?: number | Date | undefined
}

export interface RecordMetadata {
  readonly topic: string
  readonly partition: number
  /** Offset the broker assigned, when it reported one (acks 0 does not). */
  readonly offset: string | undefined
  readonly keySchemaId: number | undefined
  readonly valueSchemaId: number | undefined
}

export type TopicNames<Topics extends readonly TopicDescriptor[]> = Topics[number]['name']
export type TopicByName<Topics extends readonly TopicDescriptor[], N> = Extract<
  Topics[number],
  { readonly name: N }
>

/** Custom partitioners per topic name, typed with that topic's value and key. */
export type TopicPartitioners<Topics extends readonly TopicDescriptor[]> = {
  readonly [T in Topics[number] as T['name']]?: Partitioner<ValueInputOf<T>, KeyInputOf<T>>
}

export interface ProducerOptions<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]> {
  /** Bootstrap servers (`host:port`); or pass `kafka`. */
  readonly brokers?: readonly string[] | undefined
  /** An engine (the seam to the protocol client); defaults to kafkajs on `brokers`. */
  /** An engine, or a kafkajs `Kafka` instance (wrapped in the kafkajs engine). */
  readonly kafka?: EngineOption | undefined
  /** The engine to build on `brokers`: 'kafkajs' or 'platformatic' (default: `KAFKIT_ENGINE`, else kafkajs). */
  readonly engine?: EngineName | undefined
  readonly clientId?: string | undefined
  /** Needed when a topic has an Avro key or value. */
  readonly registry?: SchemaRegistry | string | undefined
  /** Topics this producer sends to by name (descriptors can also be passed to send directly). */
  readonly topics?: Topics | undefined
  /** zod-check keys and values before encoding (default true); false skips it for speed. */
  readonly validate?: boolean | undefined
  /** Register schemas on first use (default true, for development); false = strict (production). */
  readonly autoRegister?: boolean | undefined
  /** With autoRegister false: write with the subject's latest version when compatible (default false). */
  readonly useLatest?: boolean | undefined
  /** Overrides every descriptor's subject name strategy. */
  readonly subjectNameStrategy?: 'topic' | 'record' | 'topic-record' | undefined
  /**
   * How records name their Avro schema. `id` (default): magic byte 0 + the 4-byte schema id, read by every
   * Confluent-compatible client. `guid-prefix`: magic byte 1 + the schema's 16-byte GUID. `guid-header`: the
   * GUID in a `__key_schema_id` / `__value_schema_id` header and the bare Avro as key/value. The GUID formats
   * are Confluent 8's: readers need a 2026 Confluent client (or Kafkit) and the registry a Confluent 8 API.
   */
  readonly schemaIdFormat?: 'id' | 'guid-prefix' | 'guid-header' | undefined
  /** Per topic name; typed with that topic's value (inferred from `topics`). */
  readonly partitioners?: NoInfer<TopicPartitioners<Topics>> | undefined
  /** Idempotent producer (default true): retries cannot duplicate or reorder records. */
  readonly idempotent?: boolean | undefined
  /** -1 / 'all' (default): every in-sync replica has the record before the send resolves. */
  readonly acks?: 'all' | -1 | 0 | 1 | undefined
  /** Send retries on retriable errors (default 15, with exponential backoff), after which the send fails. */
  readonly retries?: number | undefined
  /** Broker-side ack timeout per request (default 30000). */
  readonly requestTimeoutMs?: number | undefined
  readonly compression?: EngineCompression | undefined
  /** How long partition counts are cached (default 300000, like Java's metadata.max.age.ms). */
  readonly metadataMaxAgeMs?: number | undefined
  readonly logger?: Logger | undefined
}
