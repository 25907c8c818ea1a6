import { isKafkitError } from '@kafkit/common'

/** Throw from a handler to send a record straight to the dead-letter topic (no retries). */
export class FatalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'FatalError'
  }
}

/** Throw from a handler to ask for a retry even when the classifier would call the error fatal. */
export class RetriableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'RetriableError'
  }
}

export type ErrorClassification = 'retriable' | 'fatal'

// biome-ignore lint/suspicious/noExplicitAny: any constructor of an Error subclass
export type ErrorClass = abstract new (...args: any[]) => Error
export type ErrorMatcher = ErrorClass | ((error: unknown) => boolean)

export interface ClassifyOptions {
  /** Errors that are never retried (checked first, after FatalError/RetriableError). */
  readonly fatal?: readonly ErrorMatcher[] | undefined
  /** Errors that are always retried. */
  readonly retriable?: readonly ErrorMatcher[] | undefined
  /** What anything else is (default 'retriable', as Spring's DefaultErrorHandler). */
  readonly otherwise?: ErrorClassification | undefined
}

/**
 * Codes that can never succeed on a retry: the bytes of the record are wrong (poison pills).
 * Retrying them would only delay the dead letter.
 */
const FATAL_CODES = new Set([
  'KAFKIT_CLIENT_DECODE_FAILED',
  'KAFKIT_CLIENT_VALIDATION_FAILED',
  'KAFKIT_CLIENT_UNKNOWN_TOPIC',
])

// Programming errors: a retry runs the same code on the same data (Spring treats ClassCastException etc. alike).
const FATAL_BUILTINS: readonly ErrorClass[] = [TypeError, RangeError, SyntaxError, ReferenceError]

function matches(m: ErrorMatcher, error: unknown): boolean {
  if (typeof m === 'function' && m.prototype instanceof Error) return error instanceof (m as ErrorClass)
  if (m === Error) return error instanceof Error
  return (m as (e: unknown) => boolean)(error)
}

/**
 * Builds the classifier the retry pipeline uses. Order: FatalError / RetriableError thrown on
 * purpose; the user's `fatal` then `retriable` lists; Kafkit poison-pill codes and
 * `KafkitError.canRetry`; JS programming errors (TypeError, RangeError, SyntaxError, ReferenceError);
 * then `otherwise`.
 */
export function createClassifier(options: ClassifyOptions = {}): (error: unknown) => ErrorClassification {
  const fatal = options.fatal ?? []
  const retriable = options.retriable ?? []
  const otherwise = options.otherwise ?? 'retriable'
  return (error) => {
    if (error instanceof FatalError) return 'fatal'
    if (error instanceof RetriableError) return 'retriable'
    if (fatal.some((m) => matches(m, error))) return 'fatal'
    if (retriable.some((m) => matches(m, error))) return 'retriable'
    if (isKafkitError(error)) {
      if (FATAL_CODES.has(error.code)) return 'fatal'
      if (error.canRetry) return 'retriable'
    }
    if (FATAL_BUILTINS.some((c) => error instanceof c)) return 'fatal'
    return otherwise
  }
}
