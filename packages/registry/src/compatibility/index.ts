export { checkCompatibility, confluentMessage, confluentTrailer } from './check'
export { COMPATIBILITY_LEVELS, isCompatibilityLevel } from './levels'
export { checkReaderWriter, type SideLabels } from './reader-writer'
export type {
  CompatibilityIssue,
  CompatibilityLevel,
  CompatibilityResult,
  SchemaIncompatibilityType,
} from './types'
