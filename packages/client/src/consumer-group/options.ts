import type { TopicDescriptor } from '@kafkit/common'
import { z } from 'zod'
import {
  connectionShape,
  engineWithBrokers,
  functionOption,
  loggerOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
  registryOption,
  securityWithBrokers,
  topicDescriptor,
} from '../options-util'
import { DEFAULT_BACKOFF } from './backoff'
import type { ClassifyOptions, ErrorClassification } from './classify'
import type { CommittedOffset } from './types'

export const groupConsumerOptionsSchema = z
  .object({
    ...connectionShape,
    clientId: z.string().min(1).default('kafkit-group-consumer'),
    groupId: z.string().min(1, 'groupId is required'),
    topics: z.array(topicDescriptor).min(1, 'give at least one topic descriptor').readonly(),
    /** Needed when a topic has an Avro key or value: a URL or a `SchemaRegistry`. */
    registry: registryOption(['getSchemaById']),
    /** Where a group with no committed offset starts (default false: only new records). */
    fromBeginning: z.boolean().default(false),
    /** Also zod-check decoded values (default false: the Avro reader already guarantees the shape). */
    validate: z.boolean().default(false),
    /** Records of one partition handled at once (default 1); records with the same key never overlap. */
    concurrency: z.number().int().min(1).max(10_000).default(1),
    /** Most records of one partition queued or running before fetching that partition waits (default 1000). */
    maxInFlight: z.number().int().min(1).default(1000),
    /** Partitions handled in parallel (default 1); records of one partition are always in order. */
    partitionsConsumedConcurrently: z.number().int().min(1).default(1),
    /** In-place retries of a failed record or batch. */
    retry: z
      .object({
        /** Attempts in place, including the first (default 3). Records read from retry topics get one each. */
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
    /**
     * Non-blocking retries: after in-place attempts fail with a retriable error, the record goes to
     * `<topic>-retry-1` and is handled again after `delaysMs[0]`, then `-retry-2`, ... (default: none).
     */
    retryTopics: z
      .object({ delaysMs: z.array(z.number().int().min(0)).max(20, 'at most 20 retry topics').readonly() })
      .strict()
      .optional(),
    /** Send records that finally failed to `<topic>-dlt` (default true); false stops the consumer instead. */
    deadLetter: z.boolean().default(true),
    /** Which errors are retried: lists of classes/predicates, or a function. */
    classify: z
      .union([
        functionOption<(error: unknown) => ErrorClassification>('classify'),
        z.custom<ClassifyOptions>((v) => typeof v === 'object' && v !== null, 'classify options'),
      ])
      .optional(),
    /** eachBatch mode: most records per handler call (default 500), and how long to wait for them. */
    batch: z
      .object({
        maxRecords: z.number().int().min(1).default(500),
        maxWaitMs: z.number().int().min(0).optional(),
      })
      .strict()
      .prefault({}),
    /** Deadline for in-flight work on stop() and on signals (default 30 s). */
    drainTimeoutMs: z.number().int().min(0).default(30_000),
    /** How often the completed prefix of a long-running batch is committed (default 1000 ms). */
    commitIntervalMs: z.number().int().min(50).default(1_000),
    /**
     * On a rebalance, how long records already started may finish before the partition is given up;
     * the completed prefix is committed first (default 5000 ms), so only a crashed member's work is repeated.
     */
    revocationGraceMs: z.number().int().min(0).default(5_000),
    /**
     * Opt-in: drain and leave the group on SIGTERM and SIGINT; a second signal during the drain exits
     * the process at once (code 128 + signal number).
     */
    handleSignals: z.boolean().default(false),
    sessionTimeoutMs: z.number().int().positive().default(30_000),
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
    maxBytesPerPartition: z.number().int().positive().default(1_048_576),
    /** Called after the group committed offsets (next offsets to read), e.g. for metrics or audits. */
    onCommit: functionOption<(offsets: readonly CommittedOffset[]) => void>('onCommit').optional(),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
  .refine(...securityWithBrokers)
  .refine((o) => new Set(o.topics.map((t) => t.name)).size === o.topics.length, {
    message: 'each topic may appear once',
    path: ['topics'],
  })
  .refine((o) => o.maxInFlight >= o.concurrency, {
    message: 'maxInFlight must be at least concurrency',
    path: ['maxInFlight'],
  })

/** Group consumer options: the schema's input, with `topics` typed as the descriptors given. */
export interface GroupConsumerOptions<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]>
  extends OptionsInput<typeof groupConsumerOptionsSchema, 'topics'> {
  readonly topics: Topics
}

/** In-place retries: `attempts` and `backoff`. */
export type RetryOptions = NonNullable<GroupConsumerOptions['retry']>

export type ResolvedGroupConsumerOptions = z.output<typeof groupConsumerOptionsSchema>

export function resolveGroupConsumerOptions(input: unknown): Readonly<ResolvedGroupConsumerOptions> {
  return parseOptions(groupConsumerOptionsSchema, input, 'group consumer')
}
