import type { CompatibilityLevel } from '../compatibility'
import { isCompatibilityLevel } from '../compatibility'
import { RegistryApiError } from '../errors'
import { parseVersion, validateSubject } from '../state/registry-state'
import { REGISTRY_MODES, type RegistryMode, type SchemaReference } from '../state/types'

/** Request-body and parameter checks: every bad input becomes a 4xx with a Confluent error_code. */

const unprocessable = (message: string) =>
  new RegistryApiError('KAFKIT_REGISTRY_UNPROCESSABLE_REQUEST', message)

function objectBody(body: unknown, example: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw unprocessable(`The request body must be a JSON object like ${example}`)
  }
  return body as Record<string, unknown>
}

export interface SchemaBody {
  schema: string
  schemaType: string
  references: SchemaReference[]
  id?: number
  version?: number
}

const MAX_INT = 2 ** 31 - 1

function optionalPositiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value > MAX_INT) {
    throw unprocessable(`Field '${field}' must be an integer between 1 and 2^31-1`)
  }
  return value <= 0 ? undefined : value
}

/** `{schema, schemaType?, references?, id?, version?}`; other fields (metadata, ruleSet) are ignored. */
export function readSchemaBody(body: unknown): SchemaBody {
  const b = objectBody(body, '{"schema": "{\\"type\\": \\"string\\"}"}')
  if (b.schema === undefined || b.schema === null || b.schema === '') {
    throw new RegistryApiError(
      'KAFKIT_REGISTRY_INVALID_SCHEMA',
      'Invalid schema: the body has no "schema" field; send {"schema": "<Avro schema JSON as a string>"}',
    )
  }
  if (typeof b.schema !== 'string') {
    throw unprocessable(
      'Field "schema" must be a string holding the schema JSON (escape it), not a JSON value',
    )
  }
  let schemaType = 'AVRO'
  if (b.schemaType !== undefined && b.schemaType !== null) {
    if (typeof b.schemaType !== 'string')
      throw unprocessable('Field "schemaType" must be a string such as "AVRO"')
    schemaType = b.schemaType.toUpperCase()
  }
  const references: SchemaReference[] = []
  if (b.references !== undefined && b.references !== null) {
    if (!Array.isArray(b.references)) {
      throw unprocessable('Field "references" must be an array of {"name", "subject", "version"}')
    }
    for (const [i, r] of b.references.entries()) {
      const ref = r as Record<string, unknown>
      if (
        typeof ref !== 'object' ||
        ref === null ||
        typeof ref.name !== 'string' ||
        ref.name === '' ||
        typeof ref.subject !== 'string' ||
        ref.subject === '' ||
        typeof ref.version !== 'number' ||
        !Number.isInteger(ref.version) ||
        ref.version < -1 ||
        ref.version === 0 ||
        ref.version > MAX_INT
      ) {
        throw unprocessable(
          `references[${i}] must be {"name": string, "subject": string, "version": integer >= 1 or -1}`,
        )
      }
      references.push({ name: ref.name, subject: ref.subject, version: ref.version })
    }
  }
  const out: SchemaBody = { schema: b.schema, schemaType, references }
  const id = optionalPositiveInt(b.id, 'id')
  const version = optionalPositiveInt(b.version, 'version')
  if (id !== undefined) out.id = id
  if (version !== undefined) out.version = version
  return out
}

export function readCompatibilityBody(body: unknown): CompatibilityLevel {
  const b = objectBody(body, '{"compatibility": "BACKWARD"}')
  const value = b.compatibility ?? b.compatibilityLevel
  const level = typeof value === 'string' ? value.toUpperCase() : value
  if (!isCompatibilityLevel(level)) {
    throw new RegistryApiError(
      'KAFKIT_REGISTRY_INVALID_COMPATIBILITY_LEVEL',
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
      { details: { received: typeof value === 'string' ? value.slice(0, 100) : typeof value } },
    )
  }
  return level as CompatibilityLevel
}

export function readModeBody(body: unknown): RegistryMode {
  const b = objectBody(body, '{"mode": "READWRITE"}')
  const mode = typeof b.mode === 'string' ? b.mode.toUpperCase() : b.mode
  if (!REGISTRY_MODES.includes(mode as RegistryMode)) {
    throw new RegistryApiError(
      'KAFKIT_REGISTRY_INVALID_MODE',
      `Invalid mode ${JSON.stringify(typeof b.mode === 'string' ? b.mode.slice(0, 100) : (b.mode ?? null))}. Valid values are READWRITE, READONLY and IMPORT`,
    )
  }
  return mode as RegistryMode
}

export function subjectParam(raw: string): string {
  validateSubject(raw)
  return raw
}

export function versionParam(raw: string): number | 'latest' {
  return parseVersion(raw)
}

export function idParam(raw: string): number {
  if (/^[0-9]{1,10}$/.test(raw) && Number(raw) <= MAX_INT) return Number(raw)
  // Confluent answers an unparsable id as not found.
  throw new RegistryApiError('KAFKIT_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${raw.slice(0, 100)} not found`)
}

export function flag(value: unknown): boolean {
  return value === 'true' || value === '' || value === true
}

export function intQuery(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string' && /^-?[0-9]{1,10}$/.test(value)) return Number(value)
  throw unprocessable(`Query parameter '${name}' must be an integer`)
}
