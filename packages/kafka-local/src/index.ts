export { type AttachKafkaOptions, attachKafka, startKafka } from './cluster'
export { ERROR_DEFINITIONS, isKafkaLocalError, KafkaLocalError, type KafkaLocalErrorCode } from './errors'
export { defaultCacheDir, ensureKafkaJars } from './jar-cache'
export {
  DEFAULT_BASE_PORT,
  DEFAULT_KAFKA_VERSION,
  type StartKafkaOptions,
  SUPPORTED_KAFKA_VERSIONS,
} from './options'
export { findFreeBasePort, isPortFree } from './ports'
export { type ClusterView, describeCluster } from './readiness'
export { type RoundTripOptions, type RoundTripResult, roundTrip } from './round-trip'
export type { KafkaLocalSecurity } from './security'
export { type KafkaClusterStatus, type KafkaNodeStatus, kafkaClusterStatus } from './status'
export { checkJava, checkMaven } from './tools'
export type {
  KafkaClusterState,
  KafkaLocalCluster,
  KafkaLocalProgress,
  KafkaLocalProgressListener,
  KafkaNodeInfo,
  StopNodeOptions,
} from './types'
