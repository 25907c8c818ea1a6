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
import type { TopicPartitioners } from './types'

export const producerOptionsSchema = z
  .object({
    ...connectionShape,
    clientId: z.string().min(1).default('kafkit-producer'),
    /** Needed when a topic has an Avro key or value: a URL or a `SchemaRegistry`. */
    registry: registryOption([
      'register',
      'lookup',
      'getSchemaById',
      'getVersion',
      'testCompatibility',
      'getConfig',
    ]),
    /** Topics this producer sends to by name (descriptors can also be passed to send directly). */
    topics: z.array(topicDescriptor).readonly().default([]),
    /** zod-check keys and values before encoding (default true); false skips it for speed. */
    validate: z.boolean().default(true),
    /** Register schemas on first use (default true, for development); false = strict (production). */
    autoRegister: z.boolean().default(true),
    /** With autoRegister false: write with the subject's latest version when compatible (default false). */
    useLatest: z.boolean().default(false),
    /** Overrides every descriptor's subject name strategy. */
    subjectNameStrategy: z.enum(['topic', 'record', 'topic-record']).optional(),
    /**
     * How records name their Avro schema. `id` (default): magic byte 0 + the 4-byte schema id, read by every
     * Confluent-compatible client. `guid-prefix`: magic byte 1 + the schema's 16-byte GUID. `guid-header`: the
     * GUID in a `__key_schema_id` / `__value_schema_id` header and the bare Avro as key/value. The GUID formats
     * are Confluent 8's: readers need a 2026 Confluent client (or Kafkit) and the registry a Confluent 8 API.
     */
    schemaIdFormat: z.enum(['id', 'guid-prefix', 'guid-header']).default('id'),
    /** Per topic name; typed with that topic's value (inferred from `topics`). */
    partitioners: z.record(z.string(), functionOption('a partitioner')).default({}),
    /** Idempotent producer (default true): retries cannot duplicate or reorder records. */
    idempotent: z.boolean().default(true),
    /** -1 / 'all' (default): every in-sync replica has the record before the send resolves. */
    acks: z
      .union([z.literal('all'), z.literal(-1), z.literal(0), z.literal(1)])
      .default(-1)
      .transform((a) => (a === 'all' ? -1 : a)),
    /** Send retries on retriable errors (default 15, with exponential backoff), after which the send fails. */
    retries: z.number().int().min(0).max(1000).default(15),
    /** Broker-side ack timeout per request (default 30000). */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** 'none' (default), 'gzip', 'snappy', 'lz4' or 'zstd'. */
    compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
    /** How long partition counts are cached (default 300000, like Java's metadata.max.age.ms). */
    metadataMaxAgeMs: z.number().int().min(0).default(300_000),
    logger: loggerOption,
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)
  .refine(...securityWithBrokers)
  .refine((o) => !(o.idempotent && o.acks !== -1), {
    message: 'an idempotent producer needs acks "all" (-1): drop `acks` or set idempotent: false',
    path: ['acks'],
  })
  .refine((o) => !(o.useLatest && o.autoRegister), {
    message: 'useLatest only applies with autoRegister: false',
    path: ['useLatest'],
  })

/** Producer options: the schema's input, with `topics` and `partitioners` typed per topic descriptor. */
export interface ProducerOptions<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]>
  extends OptionsInput<typeof producerOptionsSchema, 'topics' | 'partitioners'> {
  /** Topics this producer sends to by name (descriptors can also be passed to send directly). */
  readonly topics?: Topics | undefined
  /** Per topic name; typed with that topic's value (inferred from `topics`). */
  readonly partitioners?: NoInfer<TopicPartitioners<Topics>> | undefined
}

export type ResolvedProducerOptions = z.output<typeof producerOptionsSchema>

export function resolveProducerOptions(input: unknown): Readonly<ResolvedProducerOptions> {
  return parseOptions(producerOptionsSchema, input, 'producer')
}
