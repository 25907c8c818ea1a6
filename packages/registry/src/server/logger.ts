/** Pino-compatible subset: pass pino, a fastify logger or your own. Libraries never log to the console. */
export interface RegistryLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
  debug?(obj: object, msg?: string): void
}
