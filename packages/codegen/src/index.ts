export {
  defineConfig,
  type KafkitConfig,
  loadKafkitConfig,
  type TopicConfig,
} from './config'
export { HEADER } from './emit'
export { CodegenError, type CodegenErrorCode, type CodegenErrorDetails, ERROR_DEFINITIONS } from './errors'
export { generate } from './generate'
export { type DetectedImportStyle, detectImportExtension } from './import-style'
export type { GenerateOptions } from './options'
export { loadSchemaSet } from './schema-set'
export type {
  GeneratedFile,
  GenerateResult,
  ImportExtension,
  LoadedKafkitConfig,
  LogicalTypeOptions,
  NamedDefinition,
  ResolvedSide,
  ResolvedTopic,
  SchemaSet,
} from './types'
