import { parseOptions } from '@kafkit/common'
import { z } from 'zod'
import { KafkaLocalError } from './errors'
import { SECURE_PORT_SPAN, securitySchema } from './security'
import type { KafkaLocalProgressListener } from './types'

/** Broker versions this package knows how to resolve and configure (tested end to end with kafkajs 2.2.4). */
export const SUPPORTED_KAFKA_VERSIONS = ['4.1.1'] as const
export const DEFAULT_KAFKA_VERSION = '4.1.1'
export const DEFAULT_BASE_PORT = 9092
/** Offset between a node's PLAINTEXT port and its CONTROLLER port. */
export const CONTROLLER_PORT_OFFSET = 100

/** Keys kafkit sets from nodes, basePort and dataDir: a `config` override of them would break the cluster. */
export const LAYOUT_KEYS = [
  'process.roles',
  'node.id',
  'controller.quorum.voters',
  'listeners',
  'advertised.listeners',
  'controller.listener.names',
  'inter.broker.listener.name',
  'listener.security.protocol.map',
  'log.dirs',
] as const

const schema = z
  .object({
    nodes: z.union([z.literal(1), z.literal(3)]).default(1),
    dataDir: z.string().min(1).optional(),
    /** PLAINTEXT port of node 1, or 'auto': a free block, retried on a bind conflict. */
    basePort: z
      .union([
        z
          .number()
          .int()
          .min(1024)
          .max(65535 - CONTROLLER_PORT_OFFSET - 3),
        z.literal('auto'),
      ])
      .default(DEFAULT_BASE_PORT),
    kafkaVersion: z.enum(SUPPORTED_KAFKA_VERSIONS).default(DEFAULT_KAFKA_VERSION),
    /** Root of the jar cache; default KAFKIT_CACHE_DIR or ~/.cache/kafkit. */
    cacheDir: z.string().min(1).optional(),
    /** Max JVM heap per broker, e.g. '512m'; three nodes must fit beside the tests. */
    heap: z
      .string()
      .regex(/^\d+[mMgG]$/, 'a JVM size such as 512m or 1g')
      .default('512m'),
    /** How long to wait for every broker to show up in the metadata. */
    startTimeoutMs: z.number().int().positive().default(180_000),
    /** How long a SIGTERM may take before SIGKILL follows. */
    stopTimeoutMs: z.number().int().positive().default(20_000),
    /** Start the JVMs in their own process group and let them outlive this process (the CLI's `up`). */
    detached: z.boolean().default(false),
    /** Aborting stops the nodes started so far and rejects with KAFKIT_KAFKA_LOCAL_START_ABORTED. */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
    onProgress: z.custom<KafkaLocalProgressListener>((v) => typeof v === 'function').optional(),
    /**
     * Broker settings (server.properties keys) over kafkit's, e.g. `{ 'auto.create.topics.enable': false }`.
     * The listener, quorum and log-dir keys follow nodes, basePort and dataDir instead.
     */
    config: z
      .record(
        z.string(),
        z.union([z.string().regex(/^[^\r\n]*$/, 'a value on one line'), z.number().finite(), z.boolean()]),
      )
      .superRefine((config, ctx) => {
        for (const key of Object.keys(config)) {
          if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key))
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: 'a broker setting name such as num.partitions',
            })
          else if ((LAYOUT_KEYS as readonly string[]).includes(key))
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `is set by kafkit from nodes, basePort and dataDir (${LAYOUT_KEYS.join(', ')})`,
            })
        }
      })
      .default({}),
    /**
     * Opt-in secured listeners beside PLAINTEXT: SASL_PLAINTEXT (port +200), SSL (+300) and SASL_SSL (+400),
     * SASL with PLAIN and SCRAM-SHA-256/512, TLS with a throwaway CA made at start (the cluster's
     * `security` says where and how). `true` makes one user `kafkit` with a random password.
     */
    security: securitySchema.default(false),
  })
  .strict()
  .refine((o) => !o.security || o.basePort === 'auto' || o.basePort + SECURE_PORT_SPAN + o.nodes <= 65535, {
    message: `with security, node ports reach basePort + ${SECURE_PORT_SPAN} + nodes - 1: pick a lower basePort`,
    path: ['basePort'],
  })

export type StartKafkaOptions = z.input<typeof schema>
export type ResolvedStartKafkaOptions = Readonly<z.output<typeof schema>>

/** Validates once and freezes; errors name the bad option and what is expected. */
export function resolveStartKafkaOptions(options: StartKafkaOptions = {}): ResolvedStartKafkaOptions {
  return parseOptions(schema, options, {
    what: 'startKafka',
    error: (message, o) => new KafkaLocalError('KAFKIT_INVALID_OPTIONS', message, o),
  })
}
