/** Exponential back-off with jitter, for in-place retries of one record. */
export interface BackoffOptions {
  /** Delay before the first retry (default 200 ms). */
  readonly initialMs: number
  /** Factor applied per further retry (default 2). */
  readonly multiplier: number
  /** Upper bound of any single delay (default 30 s). */
  readonly maxMs: number
  /**
   * `full`: uniform in [0, d]; `equal`: uniform in [d/2, d]; `none`: exactly d. Jitter spreads
   * retries of many consumers hitting the same failing dependency (AWS "Exponential Backoff And Jitter").
   */
  readonly jitter: 'full' | 'equal' | 'none'
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({
  initialMs: 200,
  multiplier: 2,
  maxMs: 30_000,
  jitter: 'equal',
})

/**
 * Delay before retry number `retry` (1 = the first retry). `random` returns [0, 1); it is a
 * parameter so the distribution can be tested.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(retry) || retry < 1)
    throw new RangeError(`retry must be an integer >= 1, got ${retry}`)
  const exp = options.initialMs * options.multiplier ** (retry - 1)
  const capped = Math.min(options.maxMs, Number.isFinite(exp) ? exp : options.maxMs)
  switch (options.jitter) {
    case 'none':
      return Math.round(capped)
    case 'full':
      return Math.round(random() * capped)
    case 'equal':
      return Math.round(capped / 2 + (random() * capped) / 2)
  }
}

/** Sleeps `ms`, or less when `signal` aborts (resolves false then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(ok)
    }
    const onAbort = () => done(false)
    const timer = setTimeout(() => done(true), Math.max(0, ms))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
