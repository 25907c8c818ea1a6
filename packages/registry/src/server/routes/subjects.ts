import type { FastifyReply } from 'fastify'
import { responseType } from '../content-type'
import { flag, metadataQuery, readSchemaBody, subjectParam, versionParam } from '../request'
import type { RegistryApp } from '../types'
import { onSchemaInput, page, type Req, type RouteContext, subjectOf } from './shared'

/** Subjects and their versions: reads, register, lookup, deletes. */
export async function subjectsRoutes(
  app: RegistryApp,
  { state, logger, submit }: RouteContext,
): Promise<void> {
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
}
