/**
 * One error shape for every Kafkit package. Each package declares its codes in an
 * `ERROR_DEFINITIONS` table (code, message, HTTP status where it applies, retry flag) and
 * throws subclasses of `KafkitError`. docs/errors.md lists every code; a test keeps both in sync.
 */

export interface ErrorDefinition {
  /** Short, stable description of what went wrong; the thrown message adds specifics. */
  readonly message: string
  /** HTTP status the registry answers with, when the error crosses HTTP. */
  readonly httpStatus?: number
  /** True when the same operation may succeed if retried later (network blips, leader moves). */
  readonly canRetry?: boolean
}

export type ErrorTable = Readonly<Record<string, ErrorDefinition>>

export interface KafkitErrorOptions {
  cause?: unknown
  /** Structured, machine-readable context (paths, subjects, reasons). */
  details?: Readonly<Record<string, unknown>>
  canRetry?: boolean
}

export class KafkitError extends Error {
  readonly code: string
  readonly canRetry: boolean
  readonly details: Readonly<Record<string, unknown>>

  constructor(code: string, message: string, options: KafkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.canRetry = options.canRetry ?? false
    this.details = options.details ?? {}
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      canRetry: this.canRetry,
      details: this.details,
    }
  }
}

/** Narrowing helper that works across package copies (duck-typed on `code`). */
export function isKafkitError(error: unknown, code?: string): error is KafkitError {
  if (!(error instanceof Error)) return false
  const c = (error as { code?: unknown }).code
  if (typeof c !== 'string' || !c.startsWith('KAFKIT_')) return false
  return code === undefined || c === code
}

/** Builds a table while keeping the literal code names as a type. */
export function defineErrors<const T extends ErrorTable>(table: T): T {
  for (const code of Object.keys(table)) {
    if (!/^KAFKIT_[A-Z0-9_]+$/.test(code)) throw new Error(`invalid error code name: ${code}`)
  }
  return Object.freeze(table)
}
