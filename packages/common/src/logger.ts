/**
 * The one logger contract of every Kafkit library, in pino's argument order (fields first, then the
 * message), so a pino or fastify logger can be passed as is. Libraries never write to the console;
 * `fromConsole(console)` adapts a console-style logger (message first) for apps without pino.
 */
export interface Logger {
  debug?(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
})

/** A console-like target: `console`, or anything with the same methods (message first). */
export interface ConsoleLike {
  debug?(message?: unknown, ...rest: unknown[]): void
  info(message?: unknown, ...rest: unknown[]): void
  warn(message?: unknown, ...rest: unknown[]): void
  error(message?: unknown, ...rest: unknown[]): void
}

/**
 * Adapts a console-style logger: `fromConsole(console)` prints the message first and the fields
 * after it (left out when empty). `debug` lines are dropped unless `{ debug: true }`.
 */
export function fromConsole(target: ConsoleLike, options: { debug?: boolean } = {}): Logger {
  const at =
    (write: (message?: unknown, ...rest: unknown[]) => void) =>
    (obj: object, msg?: string): void => {
      const fields = Object.keys(obj).length > 0 ? [obj] : []
      write.call(target, msg ?? '', ...fields)
    }
  return {
    ...(options.debug ? { debug: at(target.debug ?? target.info) } : {}),
    info: at(target.info),
    warn: at(target.warn),
    error: at(target.error),
  }
}
