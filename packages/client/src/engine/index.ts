// @kafkit/client/engine: the seam to the Kafka protocol client, and the two engines behind it.
export { createKafkajsEngine, type KafkajsClient, type KafkajsEngineOptions } from './kafkajs'
export { createPlatformaticEngine, type PlatformaticEngineOptions } from './platformatic'
export {
  type CreateEngineOptions,
  createEngine,
  DEFAULT_ENGINE,
  ENGINE_NAMES,
  type EngineName,
  type EngineOption,
  engineFromEnv,
  toEngine,
} from './resolve'
export {
  SASL_MECHANISMS,
  type SaslMechanism,
  type SaslOptions,
  type SecurityOptions,
  type TlsOptions,
} from './security'
export type * from './types'
