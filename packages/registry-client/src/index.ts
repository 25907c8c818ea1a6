// The HTTP side of a Confluent-compatible Schema Registry, for producers and consumers: no server
// code and no web framework, so `@kafkit/client` installs without fastify.
export { ERROR_DEFINITIONS, RegistryHttpError, RegistryNetworkError } from './errors'
export { type RegistryClientOptions, registryClientOptionsSchema } from './options'
export { type CompatibilityReason, type ParsedRefusal, parseCompatibilityMessages } from './refusal-reasons'
export { RegistryClient } from './registry-client'
export type * from './types'
