import type { TopicDescriptor } from '@kafkit/common'
import { z } from 'zod'
import {
  connectionShape,
  engineWithBrokers,
  loggerOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
  registryOption,
  securityWithBrokers,
  topicDescriptor,
} from '../options-util'
import type { DeadLetterHandler } from './types'

export const consumerOptionsSchema = z
  .object({
    ...connectionShape,
    clientId: z.string().min(1).default('kafkit-consumer'),
    groupId: z.string().min(1, 'groupId is required'),
    topics: z.array(topicDescriptor).min(1, 'give at least one topic descriptor').readonly(),
    /** Needed when a topic has an Avro key or value: a URL or a `SchemaRegistry`. */
    registry: registryOption(['getSchemaById']),
    /** Where a group with no committed offset starts (default false: only new records). */
    fromBeginning: z.boolean().default(false),
    /** Policy for records that cannot be decoded or validated (default 'fail'). */
    onInvalid: z.enum(['fail', 'skip', 'dead-letter']).default('fail'),
    /**
     * Required with onInvalid 'dead-letter': receives each invalid record (`createDeadLetterSender` is a
     * ready one). Named apart from the group consumer's `deadLetter` switch, which is a boolean.
     */
    deadLetterSink: z
      .custom<DeadLetterHandler>((v) => typeof v === 'function', 'deadLetterSink must be a function')
      .optional(),
    /** Also zod-check decoded values (default false: the Avro reader already guarantees the shape). */
    validate: z.boolean().default(false),
    sessionTimeoutMs: z.number().int().positive().default(30_000),
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
    maxBytesPerPartition: z.number().int().positive().default(1_048_576),
    /** Partitions handled in parallel (default 1); records of one partition are always in order. */
    partitionsConsumedConcurrently: z.number().int().min(1).default(1),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
  .refine(...securityWithBrokers)
  .refine((o) => o.onInvalid !== 'dead-letter' || o.deadLetterSink !== undefined, {
    message: "onInvalid 'dead-letter' needs a `deadLetterSink` function (createDeadLetterSender gives one)",
    path: ['deadLetterSink'],
  })
  .refine((o) => new Set(o.topics.map((t) => t.name)).size === o.topics.length, {
    message: 'each topic may appear once',
    path: ['topics'],
  })

/** Consumer options: the schema's input, with `topics` typed as the descriptors given. */
export interface ConsumerOptions<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]>
  extends OptionsInput<typeof consumerOptionsSchema, 'topics'> {
  readonly topics: Topics
}

export type ResolvedConsumerOptions = z.output<typeof consumerOptionsSchema>

export function resolveConsumerOptions(input: unknown): Readonly<ResolvedConsumerOptions> {
  return parseOptions(consumerOptionsSchema, input, 'consumer')
}
