// The HTTP client lives in @kafkit/registry-client (no server code); re-exported for servers' users.
export {
  type CompatibilityReason,
  type CompatibilityTestResult,
  type ParsedRefusal,
  parseCompatibilityMessages,
  type RegistryAssociation,
  type RegistryAssociationRequest,
  RegistryClient,
  type RegistryClientOptions,
  type RegistryCompatibilityLevel,
  RegistryHttpError,
  RegistryNetworkError,
  type RegistrySchema,
  type RegistrySchemaInput,
  type RegistrySchemaReference,
  type RegistrySubjectVersion,
  registryClientOptionsSchema,
} from '@kafkit/registry-client'
export * from './check/index'
export * from './compatibility/index'
export {
  ERROR_DEFINITIONS,
  REGISTRY_API_ERROR_CODES,
  RegistryApiError,
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
