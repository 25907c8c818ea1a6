export {
  type ApplyResult,
  type CompatibilityAnswer,
  DEFAULT_COMPATIBILITY,
  DEFAULT_MODE,
  type Plan,
  parseVersion,
  RegistryState,
  validateSubject,
} from './registry-state'
export * from './types'
