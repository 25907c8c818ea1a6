export * from './check/index'
export * from './client/index'
export * from './compatibility/index'
export {
  ERROR_DEFINITIONS,
  REGISTRY_API_ERROR_CODES,
  RegistryApiError,
  RegistryHttpError,
  RegistryNetworkError,
  RegistrySchemaError,
  RegistryStoreError,
} from './errors'
export * from './schema/index'
export * from './server/index'
export {
  type ApplyResult,
  DEFAULT_COMPATIBILITY,
  type LogRecord,
  type RegistryCommand,
  type RegistryMode,
  RegistryState,
  type SchemaReference,
  type SchemaView,
  type SubjectVersionView,
} from './state/index'
export * from './store/index'
