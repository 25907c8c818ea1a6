import { randomUUID } from 'node:crypto'
import { RegistryHttpError, RegistryNetworkError } from './errors'
import {
  type RegistryClientOptions,
  type ResolvedRegistryClientOptions,
  resolveClientOptions,
} from './options'
import type {
  CompatibilityTestResult,
  RegistryAssociation,
  RegistryAssociationRequest,
  RegistryCompatibilityLevel,
  RegistrySchema,
  RegistrySchemaInput,
  RegistrySubjectVersion,
} from './types'

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

const enc = encodeURIComponent

function body(input: RegistrySchemaInput | string | object): Record<string, unknown> {
  const i =
    typeof input === 'string' || !('schema' in input) ? { schema: input } : (input as RegistrySchemaInput)
  const out: Record<string, unknown> = {
    schema: typeof i.schema === 'string' ? i.schema : JSON.stringify(i.schema),
  }
  // Confluent expects schemaType only for non-Avro schemas; older servers reject unknown fields.
  if (i.schemaType && i.schemaType !== 'AVRO') out.schemaType = i.schemaType
  if (i.references && i.references.length > 0) out.references = i.references
  if (i.metadata) out.metadata = i.metadata
  if (i.ruleSet) out.ruleSet = i.ruleSet
  return out
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A small fetch-based client for the Confluent Schema Registry REST API; it uses only the
 * standard API, so it works against Confluent's server as well as ours. Failures throw
 * `RegistryHttpError` (httpStatus, Confluent errorCode) or `RegistryNetworkError` (retriable).
 */
export class RegistryClient {
  readonly options: ResolvedRegistryClientOptions

  constructor(options: RegistryClientOptions) {
    this.options = resolveClientOptions(options)
  }

  async register(
    subject: string,
    schema: RegistrySchemaInput,
    options: { normalize?: boolean } = {},
  ): Promise<{ id: number; guid?: string; version?: number }> {
    const answer = await this.request<{ id: number; guid?: string; version?: number }>(
      'POST',
      `/subjects/${enc(subject)}/versions${options.normalize ? '?normalize=true' : ''}`,
      body(schema),
    )
    // Confluent 8 servers also answer the GUID and version; older ones only the id.
    return {
      id: answer.id,
      ...(typeof answer.guid === 'string' ? { guid: answer.guid } : {}),
      ...(typeof answer.version === 'number' ? { version: answer.version } : {}),
    }
  }

  /** A schema by its Confluent 8 GUID (GET /schemas/guids/{guid}). */
  getSchemaByGuid(guid: string): Promise<RegistrySchema> {
    return this.request('GET', `/schemas/guids/${enc(guid)}`)
  }

  /** The latest version of a subject whose metadata has every given property (GET /subjects/{s}/metadata). */
  getLatestWithMetadata(
    subject: string,
    properties: Record<string, string>,
  ): Promise<RegistrySubjectVersion> {
    const q = new URLSearchParams()
    for (const [key, value] of Object.entries(properties)) {
      q.append('key', key)
      q.append('value', value)
    }
    return this.request('GET', `/subjects/${enc(subject)}/metadata?${q}`)
  }

  /** Associations of a topic (`namespace` `-` matches any); an empty list when there are none. */
  getAssociations(
    resourceName: string,
    options: { namespace?: string; associationType?: 'key' | 'value' } = {},
  ): Promise<RegistryAssociation[]> {
    const q = new URLSearchParams({ resourceType: 'topic' })
    if (options.associationType) q.set('associationType', options.associationType)
    return this.request(
      'GET',
      `/associations/resources/${enc(options.namespace ?? '-')}/${enc(resourceName)}?${q}`,
    )
  }

  /** Binds a topic to subjects (POST /associations); `replace` updates an existing binding (PUT). */
  createAssociation(
    request: RegistryAssociationRequest,
    options: { replace?: boolean } = {},
  ): Promise<unknown> {
    if (options.replace) {
      const id = request.resourceId ?? `${request.resourceNamespace ?? '-'}:${request.resourceName}`
      return this.request('PUT', `/associations/resources/${enc(id)}`, { ...request, resourceId: id })
    }
    return this.request('POST', '/associations', request)
  }

  async deleteAssociations(resourceId: string, associationType?: 'key' | 'value'): Promise<void> {
    const q = associationType ? `?associationType=${associationType}` : ''
    await this.request('DELETE', `/associations/resources/${enc(resourceId)}${q}`)
  }

  /** Schema contexts (GET /contexts): `.` is the default one. */
  listContexts(): Promise<string[]> {
    return this.request('GET', '/contexts')
  }

  lookup(
    subject: string,
    schema: RegistrySchemaInput | string,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): Promise<RegistrySubjectVersion> {
    const q = new URLSearchParams()
    if (options.normalize) q.set('normalize', 'true')
    if (options.deleted) q.set('deleted', 'true')
    const qs = q.size > 0 ? `?${q}` : ''
    return this.request('POST', `/subjects/${enc(subject)}${qs}`, body(schema))
  }

  getSchemaById(id: number): Promise<RegistrySchema> {
    return this.request('GET', `/schemas/ids/${id}`)
  }

  getVersion(subject: string, version: number | 'latest' = 'latest'): Promise<RegistrySubjectVersion> {
    return this.request('GET', `/subjects/${enc(subject)}/versions/${version}`)
  }

  listVersions(subject: string): Promise<number[]> {
    return this.request('GET', `/subjects/${enc(subject)}/versions`)
  }

  /**
   * Would `schema` be accepted by the subject? Without `version` it asks the same question register
   * does (every live version, by the subject's level; Confluent 7.4+ `POST .../versions`), falling
   * back to `latest` on older servers; with `version` it checks against that one version.
   */
  async testCompatibility(
    subject: string,
    schema: RegistrySchemaInput | string,
    options: { version?: number | 'latest'; verbose?: boolean } = {},
  ): Promise<CompatibilityTestResult> {
    const verbose = options.verbose ?? true
    const query = verbose ? '?verbose=true' : ''
    const base = `/compatibility/subjects/${enc(subject)}/versions`
    type Answer = { is_compatible: boolean; messages?: string[] }
    let answer: Answer
    if (options.version === undefined) {
      try {
        answer = await this.request<Answer>('POST', `${base}${query}`, body(schema))
      } catch (error) {
        // Older registries have no version-less endpoint: a plain HTTP 404/405, not a 404xx code.
        if (!(error instanceof RegistryHttpError) || (error.errorCode !== 404 && error.errorCode !== 405))
          throw error
        answer = await this.request<Answer>('POST', `${base}/latest${query}`, body(schema))
      }
    } else {
      answer = await this.request<Answer>('POST', `${base}/${options.version}${query}`, body(schema))
    }
    return { isCompatible: answer.is_compatible === true, messages: answer.messages ?? [] }
  }

  getConfig(
    subject?: string,
    options: { defaultToGlobal?: boolean } = {},
  ): Promise<{ compatibilityLevel: RegistryCompatibilityLevel }> {
    if (subject === undefined) return this.request('GET', '/config')
    return this.request(
      'GET',
      `/config/${enc(subject)}${options.defaultToGlobal ? '?defaultToGlobal=true' : ''}`,
    )
  }

  setConfig(
    compatibility: RegistryCompatibilityLevel,
    subject?: string,
  ): Promise<{ compatibility: RegistryCompatibilityLevel }> {
    return this.request('PUT', subject === undefined ? '/config' : `/config/${enc(subject)}`, {
      compatibility,
    })
  }

  listSubjects(options: { deleted?: boolean } = {}): Promise<string[]> {
    return this.request('GET', `/subjects${options.deleted ? '?deleted=true' : ''}`)
  }

  deleteSubject(subject: string, options: { permanent?: boolean } = {}): Promise<number[]> {
    return this.request('DELETE', `/subjects/${enc(subject)}${options.permanent ? '?permanent=true' : ''}`)
  }

  deleteVersion(
    subject: string,
    version: number | 'latest',
    options: { permanent?: boolean } = {},
  ): Promise<number> {
    return this.request(
      'DELETE',
      `/subjects/${enc(subject)}/versions/${version}${options.permanent ? '?permanent=true' : ''}`,
    )
  }

  /**
   * Sends one request; network errors and 5xx/429 answers are retried, trying the next URL each time.
   * Writes carry an Idempotency-Key, so a retry after a timeout does not apply the change twice.
   */
  async request<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const { urls, retries, retryDelayMs, timeoutMs, auth, headers } = this.options
    const doFetch = this.options.fetch ?? fetch
    const requestHeaders: Record<string, string> = { accept: CONTENT_TYPE, ...headers }
    if (payload !== undefined) requestHeaders['content-type'] = CONTENT_TYPE
    // One key per call, kept across its retries: a Kafkit registry applies a retried write once.
    if (method !== 'GET' && method !== 'HEAD') requestHeaders['idempotency-key'] ??= randomUUID()
    if (auth) {
      requestHeaders.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    }
    let lastError: unknown
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs * 2 ** (attempt - 1))
      const base = urls[attempt % urls.length] as string
      let res: Response
      try {
        res = await doFetch(`${base}${path}`, {
          method,
          headers: requestHeaders,
          ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (cause) {
        const reason =
          (cause as { cause?: { code?: string }; message?: string }).cause?.code ?? (cause as Error).message
        lastError = new RegistryNetworkError(
          `Cannot reach the schema registry at ${base} (${method} ${path}): ${reason}`,
          {
            cause,
            details: { url: base, method, path },
          },
        )
        continue
      }
      const text = await res.text()
      let json: unknown
      try {
        json = text === '' ? undefined : JSON.parse(text)
      } catch {
        json = undefined
      }
      if (res.ok) {
        if (json === undefined && text !== '') {
          throw new RegistryHttpError(
            res.status,
            50005,
            `The registry answered ${method} ${path} with non-JSON: ${text.slice(0, 200)}`,
          )
        }
        return json as T
      }
      const err = json as { error_code?: unknown; message?: unknown } | undefined
      const errorCode = typeof err?.error_code === 'number' ? err.error_code : res.status
      const message = typeof err?.message === 'string' ? err.message : text.slice(0, 500) || res.statusText
      lastError = new RegistryHttpError(res.status, errorCode, `${method} ${path} failed: ${message}`, {
        details: { url: base, method, path },
      })
      if (!(res.status >= 500 || res.status === 429)) throw lastError
    }
    throw lastError
  }
}
