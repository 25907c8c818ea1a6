import { z } from 'zod'
import { type EngineOption, isEngineOption, toEngine } from '../engine/resolve'
import type { Logger } from '../logger'
import { parseOptions } from '../options-util'
import { type SchemaRegistry, toSchemaRegistry } from '../serdes/registry'

const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', `${what} must be a function`)
const objectWith = <T>(what: string, methods: string[]) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    `${what} must have ${methods.join(', ')}`,
  )

const broker = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'a broker is host:port')

export const producerOptionsSchema = z
  .object({
    brokers: z.array(broker).min(1).optional(),
    kafka: z
      .custom<EngineOption>(isEngineOption, 'kafka must be a Kafkit engine or a kafkajs Kafka instance')
      .transform(toEngine)
      .optional(),
    clientId: z.string().min(1).default('kafkit-producer'),
    registry: z
      .union([
        z.string().url('registry must be a URL or a SchemaRegistry'),
        objectWith<SchemaRegistry>('registry', [
          'register',
          'lookup',
          'getSchemaById',
          'getVersion',
          'testCompatibility',
          'getConfig',
        ]),
      ])
      .transform(toSchemaRegistry)
      .optional(),
    topics: z
      .array(
        z.custom<{ name: string }>(
          (v) => typeof v === 'object' && v !== null && 'name' in v,
          'a topic descriptor',
        ),
      )
      .default([]),
    validate: z.boolean().default(true),
    autoRegister: z.boolean().default(true),
    useLatest: z.boolean().default(false),
    subjectNameStrategy: z.enum(['topic', 'record', 'topic-record']).optional(),
    partitioners: z.record(z.string(), fn('a partitioner')).default({}),
    idempotent: z.boolean().default(true),
    acks: z
      .union([z.literal('all'), z.literal(-1), z.literal(0), z.literal(1)])
      .default(-1)
      .transform((a) => (a === 'all' ? -1 : a)),
    retries: z.number().int().min(0).max(1000).default(15),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    compression: z.enum(['none', 'gzip']).default('none'),
    metadataMaxAgeMs: z.number().int().min(0).default(300_000),
    logger: objectWith<Logger>('logger', ['debug', 'info', 'warn', 'error']).optional(),
  })
  .strict()
  .refine((o) => (o.brokers === undefined) !== (o.kafka === undefined), {
    message: 'pass exactly one of `brokers` (host:port list) or `kafka` (an engine)',
  })
  .refine((o) => !(o.idempotent && o.acks !== -1), {
    message: 'an idempotent producer needs acks "all" (-1): drop `acks` or set idempotent: false',
    path: ['acks'],
  })
  .refine((o) => !(o.useLatest && o.autoRegister), {
    message: 'useLatest only applies with autoRegister: false',
    path: ['useLatest'],
  })

export type ResolvedProducerOptions = z.output<typeof producerOptionsSchema>

export function resolveProducerOptions(input: unknown): Readonly<ResolvedProducerOptions> {
  return parseOptions(producerOptionsSchema, input, 'producer')
}
