import { z } from 'zod'
import {
  brokersOption,
  engineNameOption,
  engineOption,
  engineWithBrokers,
  loggerOption,
  oneConnection,
  parseOptions,
  registryOption,
  topicDescriptor,
} from '../options-util'
import type { DeadLetterHandler } from './types'

export const consumerOptionsSchema = z
  .object({
    brokers: brokersOption,
    kafka: engineOption,
    engine: engineNameOption,
    clientId: z.string().min(1).default('kafkit-consumer'),
    groupId: z.string().min(1, 'groupId is required'),
    topics: z.array(topicDescriptor).min(1, 'give at least one topic descriptor'),
    registry: registryOption(['getSchemaById']),
    fromBeginning: z.boolean().default(false),
    onInvalid: z.enum(['fail', 'skip', 'dead-letter']).default('fail'),
    deadLetterSink: z
      .custom<DeadLetterHandler>((v) => typeof v === 'function', 'deadLetterSink must be a function')
      .optional(),
    validate: z.boolean().default(false),
    sessionTimeoutMs: z.number().int().positive().default(30_000),
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
    maxBytesPerPartition: z.number().int().positive().default(1_048_576),
    partitionsConsumedConcurrently: z.number().int().min(1).default(1),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
  .refine((o) => o.onInvalid !== 'dead-letter' || o.deadLetterSink !== undefined, {
    message: "onInvalid 'dead-letter' needs a `deadLetterSink` function (createDeadLetterSender gives one)",
    path: ['deadLetterSink'],
  })
  .refine((o) => new Set(o.topics.map((t) => t.name)).size === o.topics.length, {
    message: 'each topic may appear once',
    path: ['topics'],
  })

export type ResolvedConsumerOptions = z.output<typeof consumerOptionsSchema>

export function resolveConsumerOptions(input: unknown): Readonly<ResolvedConsumerOptions> {
  return parseOptions(consumerOptionsSchema, input, 'consumer')
}
