import { flag, readModeBody, subjectParam } from '../request'
import type { RegistryApp } from '../types'
import { type Req, type RouteContext, subjectOf } from './shared'

/** Modes (READWRITE, READONLY, IMPORT). */
export async function modeRoutes(app: RegistryApp, { state, submit }: RouteContext): Promise<void> {
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
