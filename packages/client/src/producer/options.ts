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
} from '../options-util'

export const producerOptionsSchema = z
  .object({
    brokers: brokersOption,
    kafka: engineOption,
    engine: engineNameOption,
    clientId: z.string().min(1).default('kafkit-producer'),
    registry: registryOption([
      'register',
      'lookup',
      'getSchemaById',
      'getVersion',
      'testCompatibility',
      'getConfig',
    ]),
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
    /**
     * How records name their Avro schema: `id` (magic byte 0 + 4-byte id, the classic format every
     * Confluent client reads), `guid-prefix` (magic byte 1 + 16-byte GUID) or `guid-header` (the GUID in a
     * `__key_schema_id` / `__value_schema_id` header, bare Avro value). GUID formats need a Confluent 8 API.
     */
    schemaIdFormat: z.enum(['id', 'guid-prefix', 'guid-header']).default('id'),
    partitioners: z.record(z.string(), functionOption('a partitioner')).default({}),
    idempotent: z.boolean().default(true),
    acks: z
      .union([z.literal('all'), z.literal(-1), z.literal(0), z.literal(1)])
      .default(-1)
      .transform((a) => (a === 'all' ? -1 : a)),
    retries: z.number().int().min(0).max(1000).default(15),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
    metadataMaxAgeMs: z.number().int().min(0).default(300_000),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
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
