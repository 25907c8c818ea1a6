import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { asSchemaError, RegistryApiError } from '../errors'
import { acceptable, CONTENT_TYPES, responseType } from './content-type'
import type { RegistryLogger } from './logger'
import type { ResolvedRegistryServerOptions } from './options'
import type { RegistryService } from './registry-service'
import type { RegistryApp, RegistryUser } from './types'

/**
 * The concerns every route shares, as fastify hooks: JSON bodies (a bad one is a 400), authentication
 * and read-only users, content negotiation (406), readiness (50003 while the state is rebuilt), the
 * access log, and the mapping of errors to Confluent's error bodies.
 */
export function registerHooks(
  app: RegistryApp,
  {
    options,
    service,
    logger,
  }: { options: ResolvedRegistryServerOptions; service: RegistryService; logger: RegistryLogger },
): void {
  // The three content types all carry JSON. An unparsable body is a 400, never a 5xx.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser([...CONTENT_TYPES], { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body)
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch (error) {
      done(
        new RegistryApiError(
          'KAFKIT_REGISTRY_BAD_REQUEST',
          `The request body is not valid JSON (${(error as Error).message}); send a JSON object`,
        ),
        undefined,
      )
    }
  })

  app.addHook('onRequest', async (req, reply) => {
    ;(req as FastifyRequest & { startedAt?: bigint }).startedAt = process.hrtime.bigint()
    const path = req.url.split('?')[0] ?? '/'
    if (path === '/health' || path === '/ready') return
    if (options.auth) {
      const user = authenticate(req.headers.authorization, options.auth.users)
      if (user === undefined) {
        reply.header('www-authenticate', `Basic realm="${options.auth.realm}"`)
        throw new RegistryApiError(
          'KAFKIT_REGISTRY_UNAUTHORIZED',
          'Unauthorized: send HTTP basic credentials of a configured registry user',
        )
      }
      ;(req as FastifyRequest & { user?: string }).user = user.username
      if (user.role === 'read-only' && isWrite(req.method, req.routeOptions.url)) {
        throw new RegistryApiError(
          'KAFKIT_REGISTRY_FORBIDDEN',
          `User '${user.username}' is read-only and cannot ${req.method} ${path}; use a read-write user`,
        )
      }
    }
    if (!acceptable(req.headers.accept)) {
      throw new RegistryApiError(
        'KAFKIT_REGISTRY_NOT_ACCEPTABLE',
        `HTTP 406 Not Acceptable: this registry answers with ${CONTENT_TYPES.join(', ')}; got Accept '${String(req.headers.accept).slice(0, 200)}'`,
      )
    }
    if (!service.isReady && path !== '/') {
      const failure = service.log.failure
      throw new RegistryApiError(
        'KAFKIT_REGISTRY_LOG_UNAVAILABLE',
        failure
          ? `This instance stopped following its ${service.log.kind} log (${failure.message}); restart it`
          : 'The registry is still rebuilding its state from the log; retry shortly (see GET /ready)',
      )
    }
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const current = reply.getHeader('content-type')
    if (current === undefined || String(current).startsWith('application/json')) {
      reply.header('content-type', responseType(req.headers.accept))
    }
    return payload
  })

  app.addHook('onResponse', async (req, reply) => {
    const started = (req as FastifyRequest & { startedAt?: bigint }).startedAt
    const entry = {
      reqId: req.id,
      method: req.method,
      url: req.url,
      statusCode: reply.statusCode,
      durationMs: started === undefined ? undefined : Number(process.hrtime.bigint() - started) / 1e6,
      user: (req as FastifyRequest & { user?: string }).user,
      remoteAddress: req.ip,
    }
    if (reply.statusCode >= 500) logger.error(entry, 'request failed')
    else logger.info(entry, 'request')
  })

  app.setErrorHandler((error: unknown, req, reply) => {
    if (error instanceof RegistryApiError) {
      return reply.status(error.httpStatus).send(errorBody(error))
    }
    const e = error as { statusCode?: number; code?: string; message?: string }
    if (e.code === 'KAFKIT_REGISTRY_INVALID_SCHEMA') {
      const api = asSchemaError(error)
      return reply.status(api.httpStatus).send(errorBody(api))
    }
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      let message = e.message ?? 'Bad request'
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        message = `Request body is larger than the ${options.bodyLimit} bytes this registry accepts`
      } else if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        message = `Unsupported content type '${req.headers['content-type'] ?? ''}': use ${CONTENT_TYPES.join(', ')}`
      }
      return reply.status(e.statusCode).send({ error_code: e.statusCode, message })
    }
    logger.error({ err: error, method: req.method, url: req.url }, 'unexpected registry error')
    return reply
      .status(500)
      .send({ error_code: 50001, message: `Internal error: ${e.message ?? String(error)}` })
  })

  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error_code: 404, message: `HTTP 404 Not Found: no route ${req.method} ${req.url}` })
  })
}

/**
 * Reads (including lookups and compatibility tests, which are POSTs) are allowed to read-only users.
 * Decided on the matched route pattern, not the raw URL, so no spelling of a path can dodge it.
 */
function isWrite(method: string, route: string | undefined): boolean {
  if (method === 'PUT' || method === 'DELETE') return true
  if (method === 'POST') return route !== '/subjects/:subject' && !route?.startsWith('/compatibility/')
  return false
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function authenticate(header: string | undefined, users: readonly RegistryUser[]): RegistryUser | undefined {
  if (!header?.startsWith('Basic ')) return undefined
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  const username = decoded.slice(0, colon)
  const password = decoded.slice(colon + 1)
  // Compare against every user so timing does not reveal which usernames exist.
  let found: RegistryUser | undefined
  for (const user of users) {
    if (safeEqual(user.username, username) && safeEqual(user.password, password)) found = user
  }
  return found
}

function errorBody(error: RegistryApiError): { error_code: number; message: string } {
  return { error_code: error.errorCode, message: error.message }
}
