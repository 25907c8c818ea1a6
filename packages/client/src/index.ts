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
export * from './admin/index'
export * from './console/index'
export * from './consumer/index'
export * from './consumer-group/index'
export * from './engine/index'
export {
  ClientError,
  type ClientErrorCode,
  ERROR_DEFINITIONS,
  type RefusalReason,
  type SchemaRefusedDetails,
  SchemaRefusedError,
} from './errors'
export { openHandles } from './handles'
export { type Logger, silentLogger } from './logger'
export {
  murmur2,
  type Partitioner,
  type PartitionerContext,
  partitionForKey,
  toPositive,
} from './partitioners'
export * from './producer/index'
export * from './serdes/index'
