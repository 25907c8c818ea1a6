import type { FastifyInstance } from 'fastify'
import type { RegistryService } from './registry-service'

export type { RegistryLogger } from './logger'

export type RegistryUserRole = 'read-only' | 'read-write'

export interface RegistryUser {
  username: string
  password: string
  role: RegistryUserRole
}

/** The fastify app with the registry service attached (state, log, readiness). */
export type RegistryApp = FastifyInstance & { registry: RegistryService }

export interface RunningRegistry {
  readonly app: RegistryApp
  /** Base URL, e.g. http://127.0.0.1:8081 */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}
