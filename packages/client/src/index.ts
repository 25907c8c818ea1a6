// The root is what a service writes against: factories, the classes they return, options, message and
// handler types, errors and header names. Building blocks live in named subpaths:
//   @kafkit/client/serdes           Confluent wire format, Avro encode/decode, the registry seam
//   @kafkit/client/engine           the seam to the Kafka protocol client (kafkajs, @platformatic/kafka)
//   @kafkit/client/building-blocks  parts of the group helpers, for custom runners
//   @kafkit/client/console          JSON-lines produce/consume behind `kafkit produce` / `kafkit consume`
//   @kafkit/client/codegen-runtime  what generated code imports
// Everything else is private. packages/client/api-report.md lists each entry's names.

// The descriptor contract generated code implements, for apps that write functions over topics.
export type {
  AvroSerdeDescriptor,
  InputOf,
  KeyInputOf,
  KeyOf,
  OutputOf,
  SerdeDescriptor,
  TopicDescriptor,
  ValueInputOf,
  ValueOf,
} from '@kafkit/common'
export { createTopicAdmin, TopicAdmin } from './admin/index'
export type { TopicAdminOptions, TopicDeclaration } from './admin/options'
export type * from './admin/types'
export { Consumer, createConsumer } from './consumer/index'
export type { ConsumerOptions } from './consumer/options'
export type * from './consumer/types'
export type { BackoffOptions } from './consumer-group/backoff'
export {
  type ClassifyOptions,
  type ErrorClass,
  type ErrorClassification,
  type ErrorMatcher,
  FatalError,
  RetriableError,
} from './consumer-group/classify'
export {
  createDeadLetterSender,
  DLT_HEADERS,
  deadLetterTopicName,
  RETRY_HEADERS,
  retryTopicName,
} from './consumer-group/dead-letter'
export {
  createExactlyOnceTransformer,
  type ExactlyOnceOptions,
  ExactlyOnceTransformer,
  type TransformOutput,
} from './consumer-group/exactly-once'
export { createGroupConsumer, GroupConsumer } from './consumer-group/index'
export type { GroupConsumerOptions, RetryOptions } from './consumer-group/options'
export {
  REPLAYED_FROM_HEADER,
  type ReplayedRecord,
  type ReplayFilter,
  type ReplayOptions,
  type ReplayResult,
  replayDeadLetters,
} from './consumer-group/replay'
export type * from './consumer-group/types'
export { ENGINE_NAMES, type EngineName, type EngineOption } from './engine/resolve'
export {
  SASL_MECHANISMS,
  type SaslMechanism,
  type SaslOptions,
  type SecurityOptions,
  type TlsOptions,
} from './engine/security'
export type { KafkaEngine } from './engine/types'
export {
  ClientError,
  type ClientErrorCode,
  ERROR_DEFINITIONS,
  type RefusalReason,
  type SchemaRefusedDetails,
  SchemaRefusedError,
} from './errors'
export { openHandles } from './handles'
export { type ConsoleLike, fromConsole, type Logger, silentLogger } from './logger'
export { murmur2, type Partitioner, type PartitionerContext, partitionForKey } from './partitioners'
export { createProducer, Producer } from './producer/index'
export type { ProducerOptions } from './producer/options'
export type * from './producer/types'
export type { SchemaRegistry } from './serdes/registry'
