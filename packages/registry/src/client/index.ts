export { type RegistryClientOptions, registryClientOptionsSchema } from './options'
export { RegistryClient } from './registry-client'
export type * from './types'
