export {
  defineConfig,
  type KafkitConfig,
  type LoadedKafkitConfig,
  loadKafkitConfig,
  type ResolvedSide,
  type ResolvedTopic,
  type TopicConfig,
} from './config'
export { type GeneratedFile, HEADER, type ImportExtension } from './emit'
export { CodegenError, type CodegenErrorCode, type CodegenErrorDetails, ERROR_DEFINITIONS } from './errors'
export { type GenerateResult, generate } from './generate'
export type { GenerateOptions } from './options'
export { loadSchemaSet, type NamedDefinition, type SchemaSet } from './schema-set'
