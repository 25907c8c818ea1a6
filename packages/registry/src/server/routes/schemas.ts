import type { FastifyReply } from 'fastify'
import { RegistryApiError } from '../../errors'
import { normalizeGuid } from '../../state/data-contract'
import { responseType } from '../content-type'
import { flag, idParam, intQuery } from '../request'
import type { RegistryApp } from '../types'
import { page, type Req, type RouteContext } from './shared'

/** Schemas by id and GUID. */
export async function schemasRoutes(app: RegistryApp, { state }: RouteContext): Promise<void> {
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
}
