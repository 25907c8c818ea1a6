import type { z } from 'zod'
import { KafkitError, type KafkitErrorOptions } from './errors'

/** One problem with an option: where (`retry.attempts`, `(options)` for the whole object) and what. */
export interface OptionIssue {
  readonly path: string
  readonly message: string
}

export interface ParseOptionsSettings {
  /** What the options are for, in the message: `invalid <what> options: ...`. */
  readonly what: string
  /** Builds the package's own error class; default: a KafkitError. The code is always KAFKIT_INVALID_OPTIONS. */
  readonly error?: (message: string, options: KafkitErrorOptions) => KafkitError
}

/**
 * The one options parser of every Kafkit package: validates with the options' zod schema once, at
 * construction, and freezes the result so nothing changes it later. Every problem is listed, each with
 * its path, in the message and in `details.issues`, under the one code KAFKIT_INVALID_OPTIONS.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  settings: ParseOptionsSettings,
): Readonly<z.output<S>> {
  const result = schema.safeParse(input)
  if (result.success) return Object.freeze(result.data)
  const issues: OptionIssue[] = result.error.issues.map((i) => ({
    path: issuePath(i.path) || '(options)',
    message: i.message,
  }))
  const message = `invalid ${settings.what} options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`
  const options: KafkitErrorOptions = { details: { issues } }
  throw settings.error
    ? settings.error(message, options)
    : new KafkitError('KAFKIT_INVALID_OPTIONS', message, options)
}

/** `retry.attempts`, `config["log.dirs"]`: keys with dots in brackets, so a setting name reads whole. */
function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => {
      const k = String(p)
      return k.includes('.') ? `[${JSON.stringify(k)}]` : i === 0 ? k : `.${k}`
    })
    .join('')
}
