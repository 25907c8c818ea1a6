export * from './compatibility/index'
export { ERROR_DEFINITIONS, RegistrySchemaError } from './errors'
export * from './schema/index'
