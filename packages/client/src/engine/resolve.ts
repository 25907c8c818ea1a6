import { createKafkajsEngine, type KafkajsClient } from './kafkajs'
import type { KafkaEngine } from './types'

/** What `kafka` accepts in every factory: an engine, or a kafkajs `Kafka` instance (wrapped in the kafkajs engine). */
export type EngineOption = KafkaEngine | KafkajsClient

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
