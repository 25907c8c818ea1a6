import { z } from 'zod'
import {
  connectionShape,
  engineWithBrokers,
  loggerOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
  securityWithBrokers,
  topicDescriptor,
} from '../options-util'

const declarationSchema = z
  .object({
    /** The topic descriptor (from codegen) or a plain name. */
    topic: z.union([
      z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'a topic name is 1-249 of [a-zA-Z0-9._-]'),
      topicDescriptor,
    ]),
    partitions: z.number().int().min(1),
    /** Replicas per partition; the broker's default.replication.factor when omitted. */
    replicationFactor: z.number().int().min(1).optional(),
    /** retention.ms (-1 = forever). */
    retentionMs: z.number().int().min(-1).optional(),
    /** retention.bytes (-1 = no size limit). */
    retentionBytes: z.number().int().min(-1).optional(),
    cleanupPolicy: z.enum(['delete', 'compact', 'compact,delete']).optional(),
    /** Any other topic config, as Kafka names it (e.g. `min.insync.replicas`). */
    configs: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .strict()

export const topicAdminOptionsSchema = z
  .object({
    ...connectionShape,
    clientId: z.string().min(1).default('kafkit-admin'),
    /** The topics this admin ensures. */
    topics: z.array(declarationSchema).readonly(),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
  .refine(...securityWithBrokers)

/** A topic declared in code. Only what is declared is checked; other settings are left alone. */
export type TopicDeclaration = OptionsInput<typeof declarationSchema>

export type TopicAdminOptions = OptionsInput<typeof topicAdminOptionsSchema>

export type ResolvedTopicAdminOptions = z.output<typeof topicAdminOptionsSchema>

export function resolveTopicAdminOptions(input: unknown): Readonly<ResolvedTopicAdminOptions> {
  return parseOptions(topicAdminOptionsSchema, input, 'topic admin')
}
