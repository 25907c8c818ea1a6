import type { KeyOf, TopicDescriptor, ValueOf } from '@kafkit/common'
import type { ClientError } from '../errors'

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
