import { z } from 'zod'
import { type EngineOption, isEngineOption, toEngine } from '../engine/resolve'
import type { Logger } from '../logger'
import { parseOptions } from '../options-util'

const withMethods = <T>(what: string, methods: string[]) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    `${what} must have ${methods.join(', ')}`,
  )

const declaration = z
  .object({
    topic: z.union([
      z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'a topic name is 1-249 of [a-zA-Z0-9._-]'),
      z.custom<{ name: string }>(
        (v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string',
        'a topic descriptor',
      ),
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
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'a broker is host:port'))
      .min(1)
      .optional(),
    kafka: z
      .custom<EngineOption>(isEngineOption, 'kafka must be a Kafkit engine or a kafkajs Kafka instance')
      .transform(toEngine)
      .optional(),
    clientId: z.string().min(1).default('kafkit-admin'),
    topics: z.array(declaration),
    logger: withMethods<Logger>('logger', ['debug', 'info', 'warn', 'error']).optional(),
  })
  .strict()
  .refine((o) => (o.brokers === undefined) !== (o.kafka === undefined), {
    message: 'pass exactly one of `brokers` (host:port list) or `kafka` (an engine)',
  })

export type ResolvedTopicAdminOptions = z.output<typeof topicAdminOptionsSchema>

export function resolveTopicAdminOptions(input: unknown): Readonly<ResolvedTopicAdminOptions> {
  return parseOptions(topicAdminOptionsSchema, input, 'topic admin')
}
