import type { KeyOf, TopicDescriptor, ValueOf } from '@kafkit/common'
import type { EngineName, EngineOption } from '../engine/resolve'
import type { ClientError } from '../errors'
import type { Logger } from '../logger'
import type { SchemaRegistry } from '../serdes/registry'

/** One decoded record; a union over the consumer's topics, discriminated by `topic`. */
export type ConsumerMessage<T extends TopicDescriptor> = T extends TopicDescriptor
  ? {
      readonly topic: T['name']
      readonly partition: number
      readonly offset: string
      /** Milliseconds since the epoch, as a decimal string (Kafka's record timestamp). */
      readonly timestamp: string
      readonly key: KeyOf<T>
      readonly value: ValueOf<T>
      readonly headers: Readonly<Record<string, Buffer | undefined>>
      /** Writer schema ids of Avro sides (undefined for non-Avro sides). */
      readonly keySchemaId: number | undefined
      readonly valueSchemaId: number | undefined
    }
  : never

/** A batch of decoded records from one topic-partition. */
export type ConsumerBatch<T extends TopicDescriptor> = T extends TopicDescriptor
  ? {
      readonly topic: T['name']
      readonly partition: number
      readonly messages: readonly ConsumerMessage<T>[]
    }
  : never

export interface HandlerContext {
  /** Keeps the group membership alive during long processing. */
  heartbeat(): Promise<void>
  /** False once the consumer is stopping or lost this partition: stop work early. */
  isActive(): boolean
}

export type EachMessageHandler<T extends TopicDescriptor> = (
  message: ConsumerMessage<T>,
  context: HandlerContext,
) => Promise<void> | void

export type EachBatchHandler<T extends TopicDescriptor> = (
  batch: ConsumerBatch<T>,
  context: HandlerContext,
) => Promise<void> | void

export type RunOptions<T extends TopicDescriptor> =
  | { readonly eachMessage: EachMessageHandler<T>; readonly eachBatch?: undefined }
  | { readonly eachBatch: EachBatchHandler<T>; readonly eachMessage?: undefined }

/** Where in the pipeline a record failed. */
export type InvalidStage = 'key' | 'value' | 'validate'

/** A record that could not be decoded or validated, with its raw bytes, for skip logs and dead-lettering. */
export interface InvalidRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly timestamp: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Readonly<Record<string, Buffer | undefined>>
  readonly stage: InvalidStage
  readonly error: ClientError
}

/**
 * What happens to an invalid record. `fail` stops the consumer (its offset is not committed);
 * `skip` logs one line and moves on; `dead-letter` hands it to `deadLetterSink` and moves on once that
 * resolves (if it throws, the consumer stops as with `fail`).
 */
export type InvalidRecordPolicy = 'fail' | 'skip' | 'dead-letter'

export type DeadLetterHandler = (record: InvalidRecord) => Promise<void>

export interface ConsumerOptions<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]> {
  readonly brokers?: readonly string[] | undefined
  /** An engine, or a kafkajs `Kafka` instance (wrapped in the kafkajs engine). */
  readonly kafka?: EngineOption | undefined
  /** The engine to build on `brokers`: 'kafkajs' or 'platformatic' (default: `KAFKIT_ENGINE`, else kafkajs). */
  readonly engine?: EngineName | undefined
  readonly clientId?: string | undefined
  readonly groupId: string
  readonly topics: Topics
  /** Needed when a topic has an Avro key or value. */
  readonly registry?: SchemaRegistry | string | undefined
  /** Where a group with no committed offset starts (default false: only new records). */
  readonly fromBeginning?: boolean | undefined
  /** Policy for records that cannot be decoded or validated (default 'fail'). */
  readonly onInvalid?: InvalidRecordPolicy | undefined
  /**
   * Required with onInvalid 'dead-letter': receives each invalid record (`createDeadLetterSender` is a
   * ready one). Named apart from the group consumer's `deadLetter` switch, which is a boolean.
   */
  readonly deadLetterSink?: DeadLetterHandler | undefined
  /** Also zod-check decoded values (default false: the Avro reader already guarantees the shape). */
  readonly validate?: boolean | undefined
  readonly sessionTimeoutMs?: number | undefined
  readonly heartbeatIntervalMs?: number | undefined
  readonly maxBytesPerPartition?: number | undefined
  /** Partitions handled in parallel (default 1); records of one partition are always in order. */
  readonly partitionsConsumedConcurrently?: number | undefined
  readonly logger?: Logger | undefined
}
