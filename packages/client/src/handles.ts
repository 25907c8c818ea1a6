import type { Logger } from './logger'

/**
 * Kafkit objects that hold broker connections right now, by name. A drain reports the ones still
 * open, since each keeps the process alive until its owner calls disconnect()/stop().
 */
const open = new Map<object, string>()

export function markOpen(handle: object, name: string): void {
  open.set(handle, name)
}

export function markClosed(handle: object): void {
  open.delete(handle)
}

/** Names of the Kafkit producers, consumers and admins still connected (each keeps the process alive). */
export function openHandles(): string[] {
  return [...open.values()]
}

/**
 * After a drain the process is meant to end: if Kafkit handles are still open `graceMs` later, warn
 * naming each (each keeps the process alive). The timer is unref'd, so a process that does exit is
 * never held up by the check, and handles closed right after the drain (a producer the handler used)
 * are not reported.
 */
export function warnIfStillOpen(logger: Logger, after: string, graceMs = 2_000): void {
  setTimeout(() => {
    const names = openHandles()
    if (names.length === 0) return
    logger.warn(
      { openHandles: names },
      `${after}, but ${names.length} Kafkit handle(s) are still open and keep the process alive: ${names.join(', ')}; call disconnect() (or stop()) on them`,
    )
  }, graceMs).unref()
}
