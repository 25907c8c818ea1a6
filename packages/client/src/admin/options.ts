import { z } from 'zod'
import {
  brokersOption,
  engineNameOption,
  engineOption,
  engineWithBrokers,
  loggerOption,
  oneConnection,
  parseOptions,
  topicDescriptor,
} from '../options-util'

const declaration = z
  .object({
    topic: z.union([
      z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'a topic name is 1-249 of [a-zA-Z0-9._-]'),
      topicDescriptor,
    ]),
    partitions: z.number().int().min(1),
    replicationFactor: z.number().int().min(1).optional(),
    retentionMs: z.number().int().min(-1).optional(),
    retentionBytes: z.number().int().min(-1).optional(),
    cleanupPolicy: z.enum(['delete', 'compact', 'compact,delete']).optional(),
    configs: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .strict()

export const topicAdminOptionsSchema = z
  .object({
    brokers: brokersOption,
    kafka: engineOption,
    engine: engineNameOption,
    clientId: z.string().min(1).default('kafkit-admin'),
    topics: z.array(declaration),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)

export type ResolvedTopicAdminOptions = z.output<typeof topicAdminOptionsSchema>

export function resolveTopicAdminOptions(input: unknown): Readonly<ResolvedTopicAdminOptions> {
  return parseOptions(topicAdminOptionsSchema, input, 'topic admin')
}
