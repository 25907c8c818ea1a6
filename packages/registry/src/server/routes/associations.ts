import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import { queryAll, readAssociationBody } from '../request'
import type { RegistryApp } from '../types'
import { page, type Req, type RouteContext, subjectOf } from './shared'

/** Associations of subjects with resources (topics). */
export async function associationsRoutes(app: RegistryApp, { state, submit }: RouteContext): Promise<void> {
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
}
