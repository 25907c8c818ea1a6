import { KafkitError, parseOptions } from '@kafkit/common'
import { z } from 'zod'
import type { RegistryLog } from '../store/types'
import type { RegistryLogger } from './types'

const kafkaStore = z.object({
  type: z.literal('kafka'),
  brokers: z.array(z.string().min(1)).min(1),
  topic: z.string().min(1).default('_schemas'),
  clientId: z.string().min(1).default('kafkit-registry'),
  /** Defaults to min(3, number of brokers). */
  replicationFactor: z.number().int().positive().optional(),
  /** Time to wait for a write to come back from the topic. */
  ssl: z.boolean().optional(),
  sasl: z
    .object({
      mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
      username: z.string(),
      password: z.string(),
    })
    .optional(),
})

export const storeOptionsSchema = z.union([
  z.object({ type: z.literal('memory') }),
  z.object({ type: z.literal('file'), dir: z.string().min(1) }),
  kafkaStore,
])

export type RegistryStoreOptions = z.input<typeof storeOptionsSchema>

const logSchema = z.custom<RegistryLog>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as RegistryLog).append === 'function' &&
    typeof (v as RegistryLog).start === 'function',
  'a RegistryLog instance',
)

const loggerSchema = z.custom<RegistryLogger>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    ['info', 'warn', 'error'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
  'a logger with info, warn and error methods',
)

export const registryServerOptionsSchema = z.object({
  /** Where the change log lives. Default: memory. A RegistryLog instance is used as is. */
  store: z.union([storeOptionsSchema, logSchema]).default({ type: 'memory' }),
  /** HTTP basic auth; when set, every API request needs a user (/health and /ready stay open). */
  auth: z
    .object({
      users: z
        .array(
          z.object({
            username: z
              .string()
              .min(1)
              .refine((u) => !u.includes(':'), 'a username cannot contain ":"'),
            password: z.string().min(1),
            role: z.enum(['read-only', 'read-write']),
          }),
        )
        .min(1),
      realm: z.string().default('kafkit-registry'),
    })
    .optional(),
  /** Serve HTTPS with this PEM key and certificate. */
  tls: z
    .object({
      key: z.union([z.string(), z.instanceof(Buffer)]),
      cert: z.union([z.string(), z.instanceof(Buffer)]),
      ca: z.union([z.string(), z.instanceof(Buffer)]).optional(),
    })
    .optional(),
  logger: loggerSchema.optional(),
  /** Largest accepted request body in bytes; bigger ones get 413. */
  bodyLimit: z
    .number()
    .int()
    .positive()
    .default(4 * 1024 * 1024),
  /** How long a write waits to be read back from the log before 50002. */
  writeTimeoutMs: z.number().int().positive().default(30_000),
})

export type RegistryServerOptions = z.input<typeof registryServerOptionsSchema>
export type ResolvedRegistryServerOptions = Readonly<z.output<typeof registryServerOptionsSchema>>

export function resolveServerOptions(options: RegistryServerOptions): ResolvedRegistryServerOptions {
  return parseOptions(registryServerOptionsSchema, options, { what: 'registry server' })
}

/** Parses the CLI's `--store` spec: `memory`, `file:DIR` or `kafka`. */
export function parseStoreSpec(
  spec: string,
  kafka: { brokers?: string[]; topic?: string } = {},
): RegistryStoreOptions {
  if (spec === 'memory') return { type: 'memory' }
  if (spec.startsWith('file:') && spec.length > 5) return { type: 'file', dir: spec.slice(5) }
  if (spec === 'kafka') {
    if (!kafka.brokers || kafka.brokers.length === 0) {
      throw new KafkitError(
        'KAFKIT_INVALID_OPTIONS',
        'The kafka store needs brokers: pass --brokers host:port[,host:port]',
      )
    }
    return { type: 'kafka', brokers: kafka.brokers, ...(kafka.topic ? { topic: kafka.topic } : {}) }
  }
  throw new KafkitError(
    'KAFKIT_INVALID_OPTIONS',
    `Unknown store '${spec}': use memory, file:DIR (e.g. file:./registry-data) or kafka`,
  )
}
