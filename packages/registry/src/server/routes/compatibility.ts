import { RegistryApiError } from '../../errors'
import { flag, readSchemaBody, versionParam } from '../request'
import type { RegistryApp } from '../types'
import { onSchemaInput, type Req, type RouteContext, subjectOf } from './shared'

/** Compatibility tests. */
export async function compatibilityRoutes(app: RegistryApp, { state, logger }: RouteContext): Promise<void> {
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
}
