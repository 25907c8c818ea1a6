/**
 * Resolves once `check()` is true. Rejects when one of `failOn` settles first (a consumer's
 * whenStopped(): a consumer that stopped will never make the check true) or after `timeoutMs`,
 * naming what it waited for, so a broken run fails with a reason instead of hanging.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; failOn?: readonly Promise<unknown>[] } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000
  let stop = false
  const stopped = (options.failOn ?? []).map((p) =>
    p.then(
      () => {
        throw new Error(`a consumer stopped while waiting for ${what}`)
      },
      (error: Error) => {
        throw new Error(`a consumer failed while waiting for ${what}: ${error.message}`, { cause: error })
      },
    ),
  )
  const poll = (async () => {
    const deadline = Date.now() + timeoutMs
    while (!stop && !(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  try {
    await Promise.race([poll, ...stopped])
  } finally {
    stop = true
    for (const p of stopped) p.catch(() => {})
  }
}
