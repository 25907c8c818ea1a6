/** Thrown by a step that must not be retried (bad data, a refusal): it goes to the dead-letter topic at once. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface RetryOptions {
  /** Calls in all, the first included. */
  readonly attempts: number
  /** Wait before the 2nd call; doubles after each failure. */
  readonly backoffMs: number
  /** Called before each wait, e.g. to heartbeat the consumer group during long backoffs. */
  readonly onRetry?: ((attempt: number, error: Error) => Promise<void> | void) | undefined
}

export type RetryOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: Error; readonly attempts: number }

/**
 * Calls `fn` until it succeeds, it throws a PermanentError, or `attempts` calls failed. In-process
 * retries suit short transient failures (a carrier API timing out); the record's partition waits
 * meanwhile, which keeps per-key order.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<RetryOutcome<T>> {
  let delay = options.backoffMs
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await fn(attempt), attempts: attempt }
    } catch (error) {
      const e = error as Error
      if (e instanceof PermanentError || attempt >= options.attempts)
        return { ok: false, error: e, attempts: attempt }
      await options.onRetry?.(attempt, e)
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay *= 2
    }
  }
}
