import { randomUUID, timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { RegistryApiError } from '../errors'
import { normalizeGuid } from '../state/data-contract'
import { normalizeSubject } from '../state/registry-state'
import type { RegistryCommand } from '../state/types'
import { FileRegistryLog } from '../store/file-log'
import { KafkaRegistryLog } from '../store/kafka-log'
import { MemoryRegistryLog } from '../store/memory-log'
import type { RegistryLog } from '../store/types'
import {
  type RegistryServerOptions,
  type ResolvedRegistryServerOptions,
  resolveServerOptions,
} from './options'
import { RegistryService } from './registry-service'
import {
  flag,
  idParam,
  intQuery,
  metadataQuery,
  queryAll,
  readAssociationBody,
  readCompatibilityBody,
  readConfigBody,
  readModeBody,
  readSchemaBody,
  subjectParam,
  versionParam,
} from './request'
import type { RegistryApp, RegistryLogger, RegistryUser } from './types'

const CONTENT_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
] as const

const silentLogger: RegistryLogger = { info() {}, warn() {}, error() {} }

function createLog(options: ResolvedRegistryServerOptions, logger: RegistryLogger): RegistryLog {
  const store = options.store
  if ('append' in store) return store
  if (store.type === 'memory') return new MemoryRegistryLog()
  if (store.type === 'file') return new FileRegistryLog(store.dir)
  return new KafkaRegistryLog({ ...store, logger })
}

/**
 * Whether an Accept header admits one of our JSON types (wildcards and q-values honoured). Like
 * Confluent and Karapace, anything else (text/html, application/xml) gets 406.
 */
function acceptable(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    if (q !== undefined && Number(q.slice(2)) === 0) continue
    if (range === '*/*' || range === 'application/*' || range === '*') return true
    if ((CONTENT_TYPES as readonly string[]).includes(range)) return true
  }
  return false
}

/** Picks the response content type from Accept, defaulting to Confluent's v1 type. */
function responseType(accept: string | undefined): string {
  if (accept) {
    for (const part of accept.split(',')) {
      const type = part.split(';')[0]?.trim().toLowerCase()
      if ((CONTENT_TYPES as readonly string[]).includes(type ?? '')) return type as string
    }
  }
  return CONTENT_TYPES[0]
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

/**
 * Builds the Confluent-compatible registry as a fastify app. The state is rebuilt from the log in
 * the background: `app.registry.ready` resolves when done, /ready answers 200 from then on, and API
 * requests before that get 50003. Tests use `app.inject` or `app.listen({ port: 0 })`.
 */
export function createRegistryApp(input: RegistryServerOptions = {}): RegistryApp {
  const options = resolveServerOptions(input)
  const logger = options.logger ?? silentLogger
  const log = createLog(options, logger)
  const service = new RegistryService(log, { writeTimeoutMs: options.writeTimeoutMs, logger })
  service.ready.catch((error: unknown) =>
    logger.error({ err: error, store: log.kind }, 'rebuilding the registry state from the log failed'),
  )

  const fastifyOptions: Record<string, unknown> = {
    logger: false,
    bodyLimit: options.bodyLimit,
    // Subjects can be long and contain URL-encoded characters.
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
  }
  if (options.tls) fastifyOptions.https = { ...options.tls }
  const app = Fastify(fastifyOptions) as unknown as RegistryApp
  app.decorate('registry', service)
  app.addHook('onClose', async () => {
    await service.close()
  })

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
      return reply.status(422).send({ error_code: 42201, message: `Invalid schema: ${e.message}` })
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

  registerRoutes(app, service, logger)
  return app
}

type Req = FastifyRequest<{
  Params: Record<string, string>
  Querystring: Record<string, string | undefined>
}>

/**
 * Runs schema parsing/checking on client input: a failure that is not one of ours (a parser or checker
 * bug tripped by odd input) still answers 42201 rather than a 5xx, and is logged for us to fix.
 */
function onSchemaInput<T>(logger: RegistryLogger, run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof RegistryApiError) throw error
    logger.error({ err: error }, 'unexpected failure while reading a schema')
    throw new RegistryApiError(
      'KAFKIT_REGISTRY_INVALID_SCHEMA',
      `Invalid schema: it could not be processed (${(error as Error).message ?? String(error)})`,
      { cause: error },
    )
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

function registerRoutes(app: RegistryApp, service: RegistryService, logger: RegistryLogger): void {
  const state = service.state
  // A retried write with the same Idempotency-Key and the same change is applied once (any instance).
  const submit = (req: FastifyRequest, command: RegistryCommand) =>
    service.submit(command, { idempotencyKey: idempotencyKey(req) })

  app.get('/', async () => ({}))
  app.get('/health', async () => ({ status: 'UP' }))
  app.get('/ready', async (_req, reply: FastifyReply) => {
    if (service.isReady) return { status: 'READY', store: service.log.kind, records: state.appliedCount }
    const failure = service.log.failure?.message
    return reply
      .status(503)
      .send({ status: 'NOT_READY', store: service.log.kind, ...(failure ? { failure } : {}) })
  })
  app.get('/contexts', async (req: Req) => {
    const prefix = req.query.contextPrefix ?? ''
    const all = state.contexts().filter((c) => c.startsWith(prefix))
    return page(all, req)
  })

  // ------------------------------------------------------------------ schemas
  app.get('/schemas/types', async () => ['AVRO'])
  app.get('/schemas', async (req: Req) =>
    state.listSchemas({
      subjectPrefix: req.query.subjectPrefix ?? '',
      deleted: flag(req.query.deleted),
      deletedOnly: flag(req.query.deletedOnly),
      latestOnly: flag(req.query.latestOnly),
      offset: intQuery(req.query.offset, 'offset') ?? 0,
      limit: intQuery(req.query.limit, 'limit') ?? -1,
    }),
  )
  // `?subject=` scopes the id to that subject's context; `?format=resolved` inlines referenced types.
  app.get('/schemas/ids/:id', async (req: Req) => {
    const id = idParam(req.params.id ?? '')
    const subject = req.query.subject
    const view = state.getSchemaById(id, subject)
    const out: Record<string, unknown> = { ...view }
    if (req.query.format) out.schema = state.formatted(view, req.query.format, subject ?? '')
    if (flag(req.query.fetchMaxId)) out.maxId = state.maxIdIn(state.contextOfId(id, subject))
    return out
  })
  app.get('/schemas/ids/:id/schema', async (req: Req, reply: FastifyReply) => {
    const subject = req.query.subject
    const view = state.getSchemaById(idParam(req.params.id ?? ''), subject)
    const text = req.query.format ? state.formatted(view, req.query.format, subject ?? '') : view.schema
    return reply.type(responseType(req.headers.accept)).send(text)
  })
  app.get('/schemas/ids/:id/subjects', async (req: Req) => {
    const id = idParam(req.params.id ?? '')
    const context = state.contextOfId(id, req.query.subject)
    const subjects = [
      ...new Set(state.versionsOfId(id, flag(req.query.deleted), context).map((v) => v.subject)),
    ]
    return page(subjects, req)
  })
  app.get('/schemas/ids/:id/versions', async (req: Req) => {
    const id = idParam(req.params.id ?? '')
    const context = state.contextOfId(id, req.query.subject)
    return page(state.versionsOfId(id, flag(req.query.deleted), context), req)
  })
  app.get('/schemas/guids/:guid', async (req: Req) => {
    const raw = req.params.guid ?? ''
    const guid = normalizeGuid(raw)
    if (guid === undefined) {
      throw new RegistryApiError('KAFKIT_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${raw.slice(0, 100)} not found`)
    }
    const { guid: _guid, ...view } = state.getSchemaByGuid(guid)
    return req.query.format ? { ...view, schema: state.formatted(view, req.query.format) } : view
  })
  app.get('/schemas/guids/:guid/ids', async (req: Req) => {
    const raw = req.params.guid ?? ''
    const guid = normalizeGuid(raw)
    const ids = guid === undefined ? [] : state.idsOfGuid(guid)
    if (ids.length === 0) {
      throw new RegistryApiError('KAFKIT_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${raw.slice(0, 100)} not found`)
    }
    return ids
  })

  // ------------------------------------------------------------------ subjects
  app.get('/subjects', async (req: Req) =>
    page(
      state.listSubjects({
        deleted: flag(req.query.deleted),
        deletedOnly: flag(req.query.deletedOnly),
        // `:*:` (Confluent's default) means every context.
        prefix: req.query.subjectPrefix === ':*:' ? '' : (req.query.subjectPrefix ?? ''),
      }),
      req,
    ),
  )
  app.get('/subjects/:subject/metadata', async (req: Req) => {
    const raw = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : ''
    const view = state.latestWithMetadata(subjectOf(req), metadataQuery(raw), flag(req.query.deleted))
    return req.query.format
      ? { ...view, schema: state.formatted(view, req.query.format, view.subject) }
      : view
  })
  app.get('/subjects/:subject/versions', async (req: Req) =>
    page(state.listVersions(subjectOf(req), flag(req.query.deleted), flag(req.query.deletedOnly)), req),
  )
  app.get('/subjects/:subject/versions/:version', async (req: Req) => {
    const view = state.getVersion(
      subjectOf(req),
      versionParam(req.params.version ?? ''),
      flag(req.query.deleted),
    )
    return req.query.format
      ? { ...view, schema: state.formatted(view, req.query.format, view.subject) }
      : view
  })
  app.get('/subjects/:subject/versions/:version/schema', async (req: Req, reply: FastifyReply) => {
    const view = state.getVersion(
      subjectOf(req),
      versionParam(req.params.version ?? ''),
      flag(req.query.deleted),
    )
    const text = req.query.format ? state.formatted(view, req.query.format, view.subject) : view.schema
    return reply.type(responseType(req.headers.accept)).send(text)
  })
  app.get('/subjects/:subject/versions/:version/referencedby', async (req: Req) => {
    const view = state.getVersion(subjectOf(req), versionParam(req.params.version ?? ''), true)
    return page(state.referencedBy(view.subject, view.version, flag(req.query.deleted)), req)
  })
  app.post('/subjects/:subject/versions', async (req: Req) => {
    const subject = subjectParam(subjectOf(req))
    const body = readSchemaBody(req.body)
    // Parse before proposing so a broken schema never reaches the log.
    onSchemaInput(logger, () => state.parse(body.schema, body.schemaType, body.references, { subject }))
    return submit(req, {
      op: 'register',
      subject,
      schema: body.schema,
      schemaType: body.schemaType,
      references: body.references,
      normalize: flag(req.query.normalize),
      ...(body.id !== undefined ? { id: body.id } : {}),
      ...(body.version !== undefined ? { version: body.version } : {}),
      ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
      ...(body.ruleSet !== undefined ? { ruleSet: body.ruleSet } : {}),
    })
  })
  app.post('/subjects/:subject', async (req: Req) => {
    const body = readSchemaBody(req.body)
    const view = onSchemaInput(logger, () =>
      state.lookup(subjectOf(req), body.schema, body.schemaType, body.references, {
        normalize: flag(req.query.normalize),
        deleted: flag(req.query.deleted),
        ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
        ...(body.ruleSet !== undefined ? { ruleSet: body.ruleSet } : {}),
      }),
    )
    return req.query.format
      ? { ...view, schema: state.formatted(view, req.query.format, view.subject) }
      : view
  })
  app.delete('/subjects/:subject', async (req: Req) =>
    submit(req, {
      op: 'deleteSubject',
      subject: subjectOf(req),
      permanent: flag(req.query.permanent),
    }),
  )
  app.delete('/subjects/:subject/versions/:version', async (req: Req) =>
    submit(req, {
      op: 'deleteVersion',
      subject: subjectOf(req),
      version: versionParam(req.params.version ?? ''),
      permanent: flag(req.query.permanent),
    }),
  )

  // ------------------------------------------------------------------ compatibility
  const compatibility = (req: Req, version: number | 'latest' | undefined) => {
    const body = readSchemaBody(req.body)
    const verbose = flag(req.query.verbose)
    let answer: { isCompatible: boolean; messages: string[] }
    try {
      answer = onSchemaInput(logger, () =>
        state.testCompatibility(
          subjectOf(req),
          version,
          body.schema,
          body.schemaType,
          body.references,
          flag(req.query.normalize),
        ),
      )
    } catch (error) {
      // As Confluent: with verbose, an unparsable schema is "not compatible" with the reason.
      if (verbose && error instanceof RegistryApiError && error.errorCode === 42201) {
        return { is_compatible: false, messages: [error.message] }
      }
      throw error
    }
    return verbose
      ? { is_compatible: answer.isCompatible, messages: answer.messages }
      : { is_compatible: answer.isCompatible }
  }
  app.post('/compatibility/subjects/:subject/versions/:version', async (req: Req) =>
    compatibility(req, versionParam(req.params.version ?? '')),
  )
  app.post('/compatibility/subjects/:subject/versions', async (req: Req) => compatibility(req, undefined))

  // ------------------------------------------------------------------ config
  // A body with only a compatibility level keeps the classic setConfig record in the log.
  const putConfig = (req: Req, subject: string | null) => {
    const update = readConfigBody(req.body)
    if (Object.keys(update.config).length === 0 && update.compatibility !== undefined) {
      return submit(req, { op: 'setConfig', subject, compatibility: readCompatibilityBody(req.body) })
    }
    return submit(req, { op: 'updateConfig', subject, ...update })
  }
  app.get('/config', async () => state.getFullConfig(null, true))
  app.put('/config', async (req: Req) => putConfig(req, null))
  app.delete('/config', async (req: Req) => submit(req, { op: 'deleteConfig', subject: null }))
  app.get('/config/:subject', async (req: Req) =>
    state.getFullConfig(subjectOf(req), flag(req.query.defaultToGlobal)),
  )
  app.put('/config/:subject', async (req: Req) => putConfig(req, subjectParam(subjectOf(req))))
  app.delete('/config/:subject', async (req: Req) =>
    submit(req, { op: 'deleteConfig', subject: subjectOf(req) }),
  )

  // ------------------------------------------------------------------ associations
  const associationFilter = (req: Req) => {
    const raw = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : ''
    return {
      ...(req.query.resourceType ? { resourceType: req.query.resourceType } : {}),
      associationTypes: queryAll(raw, 'associationType'),
      ...(req.query.lifecycle ? { lifecycle: req.query.lifecycle.toUpperCase() } : {}),
    }
  }
  // As Confluent: a resource without associations is an empty list (200), which is what makes the
  // 2026 clients' associated subject strategy fall back to `<topic>-value`.
  app.get('/associations/resources/:namespace/:name', async (req: Req) =>
    page(
      state.associations({
        resourceNamespace: req.params.namespace ?? '',
        resourceName: req.params.name ?? '',
        ...associationFilter(req),
      }),
      req,
    ),
  )
  app.get('/associations/resources/:resourceId', async (req: Req) =>
    page(state.associations({ resourceId: req.params.resourceId ?? '', ...associationFilter(req) }), req),
  )
  app.get('/associations/subjects/:subject', async (req: Req) =>
    page(state.associations({ subject: subjectOf(req), ...associationFilter(req) }), req),
  )
  const putAssociations = (req: Req, create: boolean, resourceId?: string) => {
    const request = readAssociationBody(req.body, resourceId)
    return submit(req, {
      op: 'putAssociations',
      create,
      ...request,
      timestamp: Date.now(),
      associations: request.associations.map((a) => ({ ...a, guid: randomUUID() })),
    })
  }
  app.post('/associations', async (req: Req) => putAssociations(req, true))
  app.put('/associations/resources/:resourceId', async (req: Req) =>
    putAssociations(req, false, req.params.resourceId ?? ''),
  )
  app.delete('/associations/resources/:resourceId', async (req: Req, reply: FastifyReply) => {
    const filter = associationFilter(req)
    await submit(req, {
      op: 'deleteAssociations',
      resourceId: req.params.resourceId ?? '',
      resourceType: filter.resourceType ?? null,
      associationTypes: filter.associationTypes.length > 0 ? filter.associationTypes : null,
    })
    return reply.status(204).send()
  })

  // ------------------------------------------------------------------ mode
  app.get('/mode', async () => state.getMode(null, true))
  app.put('/mode', async (req: Req) =>
    submit(req, {
      op: 'setMode',
      subject: null,
      mode: readModeBody(req.body),
      force: flag(req.query.force),
    }),
  )
  app.get('/mode/:subject', async (req: Req) =>
    state.getMode(subjectOf(req), flag(req.query.defaultToGlobal)),
  )
  app.put('/mode/:subject', async (req: Req) =>
    submit(req, {
      op: 'setMode',
      subject: subjectParam(subjectOf(req)),
      mode: readModeBody(req.body),
      force: flag(req.query.force),
    }),
  )
  app.delete('/mode/:subject', async (req: Req) => submit(req, { op: 'deleteMode', subject: subjectOf(req) }))
}

/** The path's subject, with `:.:name` (explicit default context) read as `name`, as Confluent does. */
function subjectOf(req: Req): string {
  return normalizeSubject(req.params.subject ?? '')
}

/** Confluent's `offset`/`limit` paging of a list answer (limit < 0: everything). */
function page<T>(items: T[], req: Req): T[] {
  const offset = Math.max(0, intQuery(req.query.offset, 'offset') ?? 0)
  const limit = intQuery(req.query.limit, 'limit') ?? -1
  return limit >= 0 ? items.slice(offset, offset + limit) : items.slice(offset)
}
