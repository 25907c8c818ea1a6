import type { Logger } from '@kafkit/common'

/** The Kafkit logger contract (pino's argument order): pass pino, a fastify logger or your own. */
export type RegistryLogger = Logger
