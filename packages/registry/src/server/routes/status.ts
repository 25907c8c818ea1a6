import type { FastifyReply } from 'fastify'
import type { RegistryApp } from '../types'
import { page, type Req, type RouteContext } from './shared'

/** Liveness, readiness and contexts. */
export async function statusRoutes(app: RegistryApp, { state, service }: RouteContext): Promise<void> {
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
}
