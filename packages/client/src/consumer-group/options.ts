import { z } from 'zod'
import {
  brokersOption,
  engineNameOption,
  engineOption,
  engineWithBrokers,
  functionOption,
  loggerOption,
  oneConnection,
  parseOptions,
  registryOption,
  topicDescriptor,
} from '../options-util'
import { DEFAULT_BACKOFF } from './backoff'
import type { ClassifyOptions, ErrorClassification } from './classify'
import type { CommittedOffset } from './types'

export const groupConsumerOptionsSchema = z
  .object({
    brokers: brokersOption,
    kafka: engineOption,
    engine: engineNameOption,
    clientId: z.string().min(1).default('kafkit-group-consumer'),
    groupId: z.string().min(1, 'groupId is required'),
    topics: z.array(topicDescriptor).min(1, 'give at least one topic descriptor'),
    registry: registryOption(['getSchemaById']),
    fromBeginning: z.boolean().default(false),
    validate: z.boolean().default(false),
    concurrency: z.number().int().min(1).max(10_000).default(1),
    maxInFlight: z.number().int().min(1).default(1000),
    partitionsConsumedConcurrently: z.number().int().min(1).default(1),
    retry: z
      .object({
        attempts: z.number().int().min(1).max(100).default(3),
        backoff: z
          .object({
            initialMs: z.number().min(0).default(DEFAULT_BACKOFF.initialMs),
            multiplier: z.number().min(1).default(DEFAULT_BACKOFF.multiplier),
            maxMs: z.number().min(0).default(DEFAULT_BACKOFF.maxMs),
            jitter: z.enum(['full', 'equal', 'none']).default(DEFAULT_BACKOFF.jitter),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    retryTopics: z
      .object({ delaysMs: z.array(z.number().int().min(0)).max(20, 'at most 20 retry topics') })
      .strict()
      .optional(),
    deadLetter: z.boolean().default(true),
    classify: z
      .union([
        functionOption<(error: unknown) => ErrorClassification>('classify'),
        z.custom<ClassifyOptions>((v) => typeof v === 'object' && v !== null, 'classify options'),
      ])
      .optional(),
    batch: z
      .object({
        maxRecords: z.number().int().min(1).default(500),
        maxWaitMs: z.number().int().min(0).optional(),
      })
      .strict()
      .prefault({}),
    drainTimeoutMs: z.number().int().min(0).default(30_000),
    commitIntervalMs: z.number().int().min(50).default(1_000),
    // On a rebalance, work already started may finish (and be committed) for this long before the
    // partition is given up, so that only a crashed member's work is ever repeated.
    revocationGraceMs: z.number().int().min(0).default(5_000),
    handleSignals: z.boolean().default(false),
    sessionTimeoutMs: z.number().int().positive().default(30_000),
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
    maxBytesPerPartition: z.number().int().positive().default(1_048_576),
    onCommit: functionOption<(offsets: readonly CommittedOffset[]) => void>('onCommit').optional(),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
  .refine((o) => new Set(o.topics.map((t) => t.name)).size === o.topics.length, {
    message: 'each topic may appear once',
    path: ['topics'],
  })
  .refine((o) => o.maxInFlight >= o.concurrency, {
    message: 'maxInFlight must be at least concurrency',
    path: ['maxInFlight'],
  })

export type ResolvedGroupConsumerOptions = z.output<typeof groupConsumerOptionsSchema>

export function resolveGroupConsumerOptions(input: unknown): Readonly<ResolvedGroupConsumerOptions> {
  return parseOptions(groupConsumerOptionsSchema, input, 'group consumer')
}
