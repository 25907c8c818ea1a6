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
 * After a drain: the handles still open, logged once as a warning naming each, since any of them
 * keeps the process from exiting by itself.
 */
export function reportOpenHandles(logger: Logger, after: string): string[] {
  const names = openHandles()
  if (names.length > 0) {
    logger.warn(
      `${after}, but ${names.length} Kafkit handle(s) are still open and keep the process alive: ${names.join(', ')}; call disconnect() (or stop()) on them`,
      { openHandles: names },
    )
  }
  return names
}
