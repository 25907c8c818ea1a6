import { type BackoffOptions, backoffDelay, sleep } from './backoff'
import { ABANDONED } from './batch-run'
import type { ErrorClassification } from './classify'

export interface RetryLoopOptions {
  /** Most calls of the handler (1 = no in-place retry). */
  readonly attempts: number
  readonly backoff: BackoffOptions
  readonly classify: (error: unknown) => ErrorClassification
  /** Aborted when the work is given up: the back-off sleep ends early. */
  readonly signal: AbortSignal
  /** True once the work is given up (checked around every call). */
  readonly isAbandoned: () => boolean
  /** Called before each in-place retry (for the `retries` counter). */
  readonly onRetry: () => void
}

export type RetryOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: unknown; readonly tries: number }

/**
 * The one in-place retry loop of the group consumer, for a record (`eachMessage`) and for a chunk
 * (`eachBatch`): call, and on an error retry with back-off unless the error is fatal or the attempts
 * are used up. Throws ABANDONED when the work is given up meanwhile; returns the last error otherwise,
 * for the failure router (retry topic or dead letter).
 */
export async function retryInPlace(
  call: (attempt: number) => Promise<void>,
  o: RetryLoopOptions,
): Promise<RetryOutcome> {
  let error: unknown
  let tries = 0
  for (let i = 1; i <= o.attempts; i++) {
    if (o.isAbandoned()) throw ABANDONED
    tries = i
    try {
      await call(i)
      return { ok: true }
    } catch (e) {
      error = e
    }
    if (o.isAbandoned()) throw ABANDONED
    if (o.classify(error) === 'fatal') break
    if (i < o.attempts) {
      o.onRetry()
      if (!(await sleep(backoffDelay(i, o.backoff), o.signal))) throw ABANDONED
    }
  }
  return { ok: false, error, tries }
}
