export { createRegistryApp } from './app'
export {
  parseStoreSpec,
  type RegistryServerOptions,
  type RegistryStoreOptions,
  registryServerOptionsSchema,
} from './options'
export { RegistryService } from './registry-service'
export { type StartRegistryOptions, startRegistry } from './start'
export type { RegistryApp, RegistryLogger, RegistryUser, RegistryUserRole, RunningRegistry } from './types'
