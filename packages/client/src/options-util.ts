import { parseOptions as parseKafkitOptions, type TopicDescriptor } from '@kafkit/common'
import { z } from 'zod'
import {
  createEngine,
  ENGINE_NAMES,
  type EngineName,
  type EngineOption,
  isEngineOption,
  toEngine,
} from './engine/resolve'
import { saslSchema, tlsSchema } from './engine/security'
import type { KafkaEngine } from './engine/types'
import { ClientError } from './errors'
import type { Logger } from './logger'
import { type SchemaRegistry, toSchemaRegistry } from './serdes/registry'

/**
 * The options a user passes, derived from the schema that validates them so the two cannot drift: the
 * schema's input type, read-only. Keys in `Generic` are left out for the caller to type more precisely
 * (topics and partitioners are typed per topic descriptor).
 */
export type OptionsInput<S extends z.ZodType, Generic extends PropertyKey = never> = {
  readonly [K in keyof z.input<S> as K extends Generic ? never : K]: z.input<S>[K]
}

/** Validates options once (the one parser, from @kafkit/common); errors are ClientErrors. */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): Readonly<z.output<S>> {
  return parseKafkitOptions(schema, input, {
    what,
    error: (message, options) => new ClientError('KAFKIT_INVALID_OPTIONS', message, options),
  })
}

// Option fragments shared by the producer, consumers and admin, so each is validated (and worded) the same.

/** An object with these methods (duck-typed: registries and loggers come from anywhere). */
export const withMethods = <T>(what: string, methods: readonly string[]) =>
  z.custom<T>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      methods.every((m) => typeof (v as Record<string, unknown>)[m] === 'function'),
    `${what} must have ${methods.join(', ')}`,
  )

export const functionOption = <T = (...args: never[]) => unknown>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', `${what} must be a function`)

/** Bootstrap servers (`host:port`); or pass `kafka`. */
export const brokersOption = z
  .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'a broker is host:port'))
  .min(1)
  .readonly()
  .optional()

export const engineOption = z
  .custom<EngineOption>(isEngineOption, 'kafka must be a Kafkit engine or a kafkajs Kafka instance')
  .transform(toEngine)
  .optional()

/** Which engine to build on `brokers` (default: `KAFKIT_ENGINE`, else platformatic). */
export const engineNameOption = z
  .enum(ENGINE_NAMES, { message: `engine must be ${ENGINE_NAMES.map((n) => `'${n}'`).join(' or ')}` })
  .optional()

/** TLS and SASL for the engine built on `brokers` (one schema, shared with the engines). */
export const tlsOption = tlsSchema.optional()
export const saslOption = saslSchema.optional()

export const loggerOption = withMethods<Logger>('logger', ['info', 'warn', 'error']).optional()

/** A registry URL, or an object with the given methods (a `RegistryClient` has them all). */
export const registryOption = (methods: readonly string[]) =>
  z
    .union([
      z.string().url('registry must be a URL or a SchemaRegistry'),
      withMethods<SchemaRegistry>('registry', methods),
    ])
    .transform(toSchemaRegistry)
    .optional()

export const topicDescriptor = z.custom<TopicDescriptor>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string',
  'a topic descriptor',
)

/** How a client reaches Kafka, in every factory's options (with `oneConnection`, `engineWithBrokers` and `securityWithBrokers`). */
export const connectionShape = {
  /** Bootstrap servers (`host:port`); or pass `kafka`. */
  brokers: brokersOption,
  /** An engine, or a kafkajs `Kafka` instance (wrapped in the kafkajs engine). */
  kafka: engineOption,
  /** The engine to build on `brokers`: 'kafkajs' or 'platformatic' (default: `KAFKIT_ENGINE`, else platformatic). */
  engine: engineNameOption,
  /** TLS to `brokers`: `true` (the system's CAs) or `{ ca, cert, key, passphrase, rejectUnauthorized, servername }`. */
  tls: tlsOption,
  /** SASL to `brokers`: `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }`. */
  sasl: saslOption,
}

/** Resolved `connectionShape` options (plus the logger and client id an engine built on them gets). */
interface ResolvedConnection {
  readonly kafka?: KafkaEngine | undefined
  readonly engine?: EngineName | undefined
  readonly brokers?: readonly string[] | undefined
  readonly tls?: z.output<typeof tlsOption>
  readonly sasl?: z.output<typeof saslOption>
  readonly logger?: Logger | undefined
  readonly clientId?: string | undefined
}

/** The engine resolved connection options name: the `kafka` engine, else one built on `brokers`. */
export function engineOf(o: ResolvedConnection, clientId = o.clientId): KafkaEngine {
  return (
    o.kafka ??
    createEngine(o.engine, { brokers: o.brokers ?? [], clientId, logger: o.logger, tls: o.tls, sasl: o.sasl })
  )
}

/** For `.refine`: `engine` names the engine built on `brokers`; a `kafka` engine is already one. */
export const engineWithBrokers = [
  (o: { engine?: unknown; kafka?: unknown }) => o.engine === undefined || o.kafka === undefined,
  { message: '`engine` picks the engine for `brokers`; with `kafka` (an engine instance) leave it out' },
] as const

/** For `.refine`: exactly one way to reach Kafka. */
export const oneConnection = [
  (o: { brokers?: unknown; kafka?: unknown }) => (o.brokers === undefined) !== (o.kafka === undefined),
  { message: 'pass exactly one of `brokers` or `kafka`: `brokers` is a host:port list, `kafka` an engine' },
] as const

/** For `.refine`: `tls` and `sasl` secure the connection to `brokers`; an engine instance has its own. */
export const securityWithBrokers = [
  (o: { tls?: unknown; sasl?: unknown; kafka?: unknown }) =>
    o.kafka === undefined || (o.tls === undefined && o.sasl === undefined),
  {
    message:
      '`tls` and `sasl` secure the engine built on `brokers`; an engine passed as `kafka` carries its own (createEngine(name, { brokers, tls, sasl }))',
  },
] as const
