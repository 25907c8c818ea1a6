import type { CompatibilityLevel } from './types'

export const COMPATIBILITY_LEVELS: ReadonlyArray<CompatibilityLevel> = Object.freeze([
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const)

export function isCompatibilityLevel(x: unknown): x is CompatibilityLevel {
  return typeof x === 'string' && (COMPATIBILITY_LEVELS as ReadonlyArray<string>).includes(x)
}
