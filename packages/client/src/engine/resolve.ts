import { ClientError } from '../errors'
import type { Logger } from '../logger'
import { createKafkajsEngine, type KafkajsClient } from './kafkajs'
import { createPlatformaticEngine } from './platformatic'
import type { SaslOptions, TlsOptions } from './security'
import type { KafkaEngine } from './types'

/** What `kafka` accepts in every factory: an engine, or a kafkajs `Kafka` instance (wrapped in the kafkajs engine). */
export type EngineOption = KafkaEngine | KafkajsClient

/** The engines Kafkit builds itself from `brokers`; `engine` in every factory, `--engine` in the CLI. */
export const ENGINE_NAMES = ['kafkajs', 'platformatic'] as const
export type EngineName = (typeof ENGINE_NAMES)[number]

/** The engine used when a factory gets `brokers` and no `engine`. */
export const DEFAULT_ENGINE: EngineName = 'platformatic'

export function isEngineOption(v: unknown): v is EngineOption {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return typeof o.producer === 'function' && typeof o.consumer === 'function' && typeof o.admin === 'function'
}

/** Engines carry a `name`; anything else with producer/consumer/admin is taken as a kafkajs client. */
export function toEngine(v: EngineOption): KafkaEngine {
  return typeof (v as { name?: unknown }).name === 'string'
    ? (v as KafkaEngine)
    : createKafkajsEngine({ kafka: v as KafkajsClient })
}

/** `KAFKIT_ENGINE` when set (and valid), else the default engine. */
export function engineFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): EngineName {
  const value = env.KAFKIT_ENGINE?.trim()
  if (!value) return DEFAULT_ENGINE
  if ((ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName
  throw new ClientError(
    'KAFKIT_INVALID_OPTIONS',
    `KAFKIT_ENGINE='${value}' is not an engine: use ${ENGINE_NAMES.map((n) => `'${n}'`).join(' or ')}`,
    { details: { KAFKIT_ENGINE: value } },
  )
}

export interface CreateEngineOptions {
  readonly brokers: readonly string[]
  readonly clientId?: string | undefined
  /** Where the kafkajs engine's own warnings go (the platformatic engine logs nothing). */
  readonly logger?: Logger | undefined
  /** KIP-848 consumer groups (`group.protocol=consumer`); platformatic engine only. */
  readonly groupProtocol?: 'classic' | 'consumer' | undefined
  /** TLS to the brokers (`true`: the system's CAs; an object: `ca`, `cert`/`key`, `servername`, ...). */
  readonly tls?: TlsOptions | undefined
  /** SASL: `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }`. */
  readonly sasl?: SaslOptions | undefined
}

/** The engine called `name` (default: `KAFKIT_ENGINE`, else platformatic) on these brokers. */
export function createEngine(name: EngineName | undefined, options: CreateEngineOptions): KafkaEngine {
  const engine = name ?? engineFromEnv()
  if (engine === 'platformatic') {
    return createPlatformaticEngine({
      brokers: options.brokers,
      clientId: options.clientId,
      groupProtocol: options.groupProtocol,
      tls: options.tls,
      sasl: options.sasl,
    })
  }
  if (options.groupProtocol === 'consumer') {
    throw new ClientError(
      'KAFKIT_INVALID_OPTIONS',
      "groupProtocol 'consumer' (KIP-848) needs engine: 'platformatic'; kafkajs speaks only the classic protocol",
    )
  }
  return createKafkajsEngine({
    brokers: options.brokers,
    clientId: options.clientId,
    logger: options.logger,
    tls: options.tls,
    sasl: options.sasl,
  })
}
