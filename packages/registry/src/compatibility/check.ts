import type { ParsedAvroSchema } from '../schema/types'
import { checkReaderWriter } from './reader-writer'
import type { CompatibilityIssue, CompatibilityLevel, CompatibilityResult } from './types'

const COMPATIBLE: CompatibilityResult = Object.freeze({ compatible: true, messages: [], issues: [] })

/**
 * Confluent's compatibility check of a candidate schema against the live versions of a subject (oldest first).
 * BACKWARD: the candidate reads data written with the old schema; FORWARD: the old schema reads the candidate's
 * data; FULL: both. Plain levels look at the latest version only; transitive ones at every version, newest first,
 * stopping at the first that fails (as Confluent does). NONE always passes.
 */
export function checkCompatibility(
  candidate: ParsedAvroSchema,
  previous: ReadonlyArray<ParsedAvroSchema>,
  level: CompatibilityLevel,
): CompatibilityResult {
  if (level === 'NONE' || previous.length === 0) return COMPATIBLE
  const transitive = level.endsWith('_TRANSITIVE')
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL')
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL')
  const first = transitive ? 0 : previous.length - 1
  for (let k = previous.length - 1; k >= first; k--) {
    const old = previous[k]!
    const issues: CompatibilityIssue[] = []
    if (backward) {
      for (const i of checkReaderWriter(candidate, old, { reader: 'new', writer: 'old' }))
        issues.push({ ...i, reader: 'new' })
    }
    if (forward) {
      for (const i of checkReaderWriter(old, candidate, { reader: 'old', writer: 'new' }))
        issues.push({ ...i, reader: 'old' })
    }
    if (issues.length > 0) {
      return { compatible: false, messages: issues.map(confluentMessage), issues, incompatibleWith: k }
    }
  }
  return COMPATIBLE
}

/** One issue as Confluent's verbose message: {errorType:'...', description:'...', additionalInfo:'...'}. */
export function confluentMessage(issue: CompatibilityIssue): string {
  return `{errorType:'${issue.type}', description:'${issue.message}', additionalInfo:'${issue.additionalInfo}'}`
}

/**
 * The lines Confluent appends after the issues of a failed check (for a server's 409 message or verbose answer):
 * {oldSchemaVersion: N}, {oldSchema: '...'}, {validateFields: 'false', compatibility: 'LEVEL'}.
 */
export function confluentTrailer(
  oldVersion: number,
  oldSchema: ParsedAvroSchema,
  level: CompatibilityLevel,
): string[] {
  return [
    `{oldSchemaVersion: ${oldVersion}}`,
    `{oldSchema: '${oldSchema.canonical}'}`,
    `{validateFields: 'false', compatibility: '${level}'}`,
  ]
}
