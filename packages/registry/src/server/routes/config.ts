import { flag, readCompatibilityBody, readConfigBody, subjectParam } from '../request'
import type { RegistryApp } from '../types'
import { type Req, type RouteContext, subjectOf } from './shared'

/** Compatibility levels and data-contract config. */
export async function configRoutes(app: RegistryApp, { state, submit }: RouteContext): Promise<void> {
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
}
