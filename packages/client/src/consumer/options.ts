import { z } from 'zod'
import { type EngineOption, isEngineOption, toEngine } from '../engine/resolve'
import type { Logger } from '../logger'
import { parseOptions } from '../options-util'
import { type SchemaRegistry, toSchemaRegistry } from '../serdes/registry'
import type { DeadLetterHandler } from './types'

const withMethods = <T>(what: string, methods: string[]) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    `${what} must have ${methods.join(', ')}`,
  )

export const consumerOptionsSchema = z
  .object({
    brokers: z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'a broker is host:port'))
      .min(1)
      .optional(),
    kafka: z
      .custom<EngineOption>(isEngineOption, 'kafka must be a Kafkit engine or a kafkajs Kafka instance')
      .transform(toEngine)
      .optional(),
    clientId: z.string().min(1).default('kafkit-consumer'),
    groupId: z.string().min(1, 'groupId is required'),
    topics: z
      .array(
        z.custom<{ name: string }>(
          (v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string',
          'a topic descriptor',
        ),
      )
      .min(1, 'give at least one topic descriptor'),
    registry: z
      .union([
        z.string().url('registry must be a URL or a SchemaRegistry'),
        withMethods<SchemaRegistry>('registry', ['getSchemaById']),
      ])
      .transform(toSchemaRegistry)
      .optional(),
    fromBeginning: z.boolean().default(false),
    onInvalid: z.enum(['fail', 'skip', 'dead-letter']).default('fail'),
    deadLetter: z
      .custom<DeadLetterHandler>((v) => typeof v === 'function', 'deadLetter must be a function')
      .optional(),
    validate: z.boolean().default(false),
    sessionTimeoutMs: z.number().int().positive().default(30_000),
    heartbeatIntervalMs: z.number().int().positive().default(3_000),
    maxBytesPerPartition: z.number().int().positive().default(1_048_576),
    partitionsConsumedConcurrently: z.number().int().min(1).default(1),
    logger: withMethods<Logger>('logger', ['debug', 'info', 'warn', 'error']).optional(),
  })
  .strict()
  .refine((o) => (o.brokers === undefined) !== (o.kafka === undefined), {
    message: 'pass exactly one of `brokers` (host:port list) or `kafka` (an engine)',
  })
  .refine((o) => o.onInvalid !== 'dead-letter' || o.deadLetter !== undefined, {
    message: "onInvalid 'dead-letter' needs a `deadLetter` handler",
    path: ['deadLetter'],
  })
  .refine((o) => new Set(o.topics.map((t) => t.name)).size === o.topics.length, {
    message: 'each topic may appear once',
    path: ['topics'],
  })

export type ResolvedConsumerOptions = z.output<typeof consumerOptionsSchema>

export function resolveConsumerOptions(input: unknown): Readonly<ResolvedConsumerOptions> {
  return parseOptions(consumerOptionsSchema, input, 'consumer')
}
