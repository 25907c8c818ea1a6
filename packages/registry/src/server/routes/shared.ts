import type { FastifyRequest } from 'fastify'
import { asSchemaError, RegistryApiError } from '../../errors'
import type { RegistryState } from '../../state/registry-state'
import { normalizeSubject } from '../../state/registry-state'
import type { RegistryCommand } from '../../state/types'
import type { RegistryLogger } from '../logger'
import type { RegistryService } from '../registry-service'
import { intQuery } from '../request'

export type Req = FastifyRequest<{
  Params: Record<string, string>
  Querystring: Record<string, string | undefined>
}>

/**
 * Runs schema parsing/checking on client input: a failure that is not one of ours (a parser or checker
 * bug tripped by odd input) still answers 42201 rather than a 5xx, and is logged for us to fix.
 */
export function onSchemaInput<T>(logger: RegistryLogger, run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof RegistryApiError) throw error
    logger.error({ err: error }, 'unexpected failure while reading a schema')
    throw asSchemaError(error)
  }
}

/** The optional Idempotency-Key header: Kafkit's client sends one per call and keeps it across retries. */
function idempotencyKey(req: FastifyRequest): string | undefined {
  const value = req.headers['idempotency-key']
  if (value === undefined) return undefined
  const key = Array.isArray(value) ? value[0] : value
  if (key === undefined || key.length === 0 || key.length > 255) {
    throw new RegistryApiError(
      'KAFKIT_REGISTRY_BAD_REQUEST',
      'The Idempotency-Key header must be 1 to 255 characters (a UUID per logical request, kept across retries)',
    )
  }
  return key
}

/** What every route plugin gets: the service, its state, the logger, and `submit` for writes. */
export interface RouteContext {
  readonly service: RegistryService
  readonly state: RegistryState
  readonly logger: RegistryLogger
  /** A retried write with the same Idempotency-Key and the same change is applied once (any instance). */
  readonly submit: (req: FastifyRequest, command: RegistryCommand) => Promise<unknown>
}

export function routeContext(service: RegistryService, logger: RegistryLogger): RouteContext {
  return {
    service,
    state: service.state,
    logger,
    submit: (req, command) => service.submit(command, { idempotencyKey: idempotencyKey(req) }),
  }
}

/** The path's subject, with `:.:name` (explicit default context) read as `name`, as Confluent does. */
export function subjectOf(req: Req): string {
  return normalizeSubject(req.params.subject ?? '')
}

/** Confluent's `offset`/`limit` paging of a list answer (limit < 0: everything). */
export function page<T>(items: T[], req: Req): T[] {
  const offset = Math.max(0, intQuery(req.query.offset, 'offset') ?? 0)
  const limit = intQuery(req.query.limit, 'limit') ?? -1
  return limit >= 0 ? items.slice(offset, offset + limit) : items.slice(offset)
}
