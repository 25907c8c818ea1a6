import type { CompatibilityLevel } from '../compatibility'
import { isCompatibilityLevel } from '../compatibility'
import { RegistryApiError } from '../errors'
import {
  type DataContractConfig,
  type Metadata,
  metadataSchema,
  type RuleSet,
  ruleSetProblem,
  ruleSetSchema,
  toMetadata,
  toRuleSet,
} from '../state/data-contract'
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
  metadata?: Metadata
  ruleSet?: RuleSet
}

const invalidRuleSet = (message: string) => new RegistryApiError('KAFKIT_REGISTRY_INVALID_RULESET', message)

function zodProblem(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  const issue = error.issues[0]
  return issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'invalid value'
}

/** `metadata` as Confluent takes it: `{tags: {path: [tag]}, properties: {k: v}, sensitive: [name]}`. */
export function readMetadata(value: unknown, field: string): Metadata | undefined {
  if (value === undefined || value === null) return undefined
  const parsed = metadataSchema.safeParse(value)
  if (!parsed.success) {
    throw invalidRuleSet(
      `Invalid ${field} (${zodProblem(parsed.error)}): send {"properties": {"key": "value"}, "tags": {"path": ["TAG"]}, "sensitive": ["field"]}`,
    )
  }
  return toMetadata(parsed.data)
}

/** `ruleSet` as Confluent takes it: `{domainRules: [...], migrationRules: [...], encodingRules: [...]}`. */
export function readRuleSet(value: unknown, field: string): RuleSet | undefined {
  if (value === undefined || value === null) return undefined
  const parsed = ruleSetSchema.safeParse(value)
  if (!parsed.success) {
    throw invalidRuleSet(
      `Invalid ${field} (${zodProblem(parsed.error)}): each rule needs a "name" and a "type", kind TRANSFORM or CONDITION, a valid mode`,
    )
  }
  const ruleSet = toRuleSet(parsed.data)
  const problem = ruleSetProblem(ruleSet)
  if (problem !== undefined) throw invalidRuleSet(`Invalid ${field}: ${problem}`)
  return ruleSet
}

const MAX_INT = 2 ** 31 - 1

function optionalPositiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -1 || value > MAX_INT) {
    throw unprocessable(`Field '${field}' must be an integer between 1 and 2^31-1`)
  }
  return value <= 0 ? undefined : value
}

/** `{schema, schemaType?, references?, id?, version?, metadata?, ruleSet?}`; other fields are ignored. */
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
  const metadata = readMetadata(b.metadata, 'metadata')
  const ruleSet = readRuleSet(b.ruleSet, 'ruleSet')
  if (metadata !== undefined) out.metadata = metadata
  if (ruleSet !== undefined) out.ruleSet = ruleSet
  return out
}

/**
 * Confluent 8's PUT /config body: any of `compatibility` (or `compatibilityLevel`), `compatibilityGroup`,
 * `defaultMetadata`, `overrideMetadata`, `defaultRuleSet`, `overrideRuleSet`, `normalize`,
 * `validateFields`, `validateRules`, `alias`. Fields left out keep their current value.
 */
export function readConfigBody(body: unknown): {
  compatibility?: CompatibilityLevel
  config: DataContractConfig
} {
  const b = objectBody(body, '{"compatibility": "BACKWARD"}')
  const out: { compatibility?: CompatibilityLevel; config: DataContractConfig } = { config: {} }
  if (b.compatibility != null || b.compatibilityLevel != null) out.compatibility = readCompatibilityBody(b)
  const config = out.config
  const text = (name: string) => {
    const v = b[name]
    if (v == null) return undefined
    if (typeof v !== 'string') throw unprocessable(`Field '${name}' must be a string`)
    return v
  }
  const bool = (name: string) => {
    const v = b[name]
    if (v == null) return undefined
    if (typeof v !== 'boolean') throw unprocessable(`Field '${name}' must be true or false`)
    return v
  }
  const group = text('compatibilityGroup')
  if (group !== undefined) config.compatibilityGroup = group
  const alias = text('alias')
  if (alias !== undefined) config.alias = alias
  const defaultMetadata = readMetadata(b.defaultMetadata, 'defaultMetadata')
  if (defaultMetadata !== undefined) config.defaultMetadata = defaultMetadata
  const overrideMetadata = readMetadata(b.overrideMetadata, 'overrideMetadata')
  if (overrideMetadata !== undefined) config.overrideMetadata = overrideMetadata
  const defaultRuleSet = readRuleSet(b.defaultRuleSet, 'defaultRuleSet')
  if (defaultRuleSet !== undefined) config.defaultRuleSet = defaultRuleSet
  const overrideRuleSet = readRuleSet(b.overrideRuleSet, 'overrideRuleSet')
  if (overrideRuleSet !== undefined) config.overrideRuleSet = overrideRuleSet
  for (const name of ['normalize', 'validateFields', 'validateRules'] as const) {
    const v = bool(name)
    if (v !== undefined) config[name] = v
  }
  if (out.compatibility === undefined && Object.keys(config).length === 0) {
    throw new RegistryApiError(
      'KAFKIT_REGISTRY_INVALID_COMPATIBILITY_LEVEL',
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    )
  }
  return out
}

/** The query's `key`/`value` pairs (repeatable, matched by position) as a property map. */
export function metadataQuery(raw: string): Record<string, string> {
  const params = new URLSearchParams(raw)
  const keys = params.getAll('key')
  const values = params.getAll('value')
  const out: Record<string, string> = {}
  for (let i = 0; i < Math.min(keys.length, values.length); i++) out[keys[i] as string] = values[i] as string
  return out
}

/** Every value of a repeatable query parameter. */
export function queryAll(raw: string, name: string): string[] {
  return new URLSearchParams(raw).getAll(name)
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

const LIFECYCLES = ['STRONG', 'WEAK'] as const

/** A POST /associations (or PUT /associations/resources/{id}) body, checked as Confluent checks it. */
export interface AssociationRequest {
  resourceName: string
  resourceNamespace: string
  resourceId: string
  resourceType: string
  associations: Array<{
    subject: string
    associationType: string
    lifecycle: (typeof LIFECYCLES)[number]
    frozen: boolean
  }>
}

export function readAssociationBody(body: unknown, pathResourceId?: string): AssociationRequest {
  const b = objectBody(
    body,
    '{"resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "<topic id>", "resourceType": "topic", "associations": [{"subject": "orders-value", "associationType": "value"}]}',
  )
  const invalid = (field: string, reason: string) =>
    new RegistryApiError(
      'KAFKIT_REGISTRY_INVALID_ASSOCIATION',
      `Invalid association field '${field}': ${reason}`,
    )
  const text = (field: string, fallback?: string): string => {
    const v = b[field]
    if (v == null || v === '') {
      if (fallback !== undefined) return fallback
      throw invalid(field, 'it is required and must be a non-empty string')
    }
    if (typeof v !== 'string') throw invalid(field, 'it must be a string')
    return v
  }
  const resourceName = text('resourceName')
  const resourceNamespace = text('resourceNamespace', '-')
  const resourceId = text('resourceId', pathResourceId ?? `${resourceNamespace}:${resourceName}`)
  if (pathResourceId !== undefined && resourceId !== pathResourceId) {
    throw invalid('resourceId', `it does not match the resource id in the path (${pathResourceId})`)
  }
  const resourceType = text('resourceType', 'topic').toLowerCase()
  if (resourceType !== 'topic') throw invalid('resourceType', 'only "topic" is supported')
  if (!Array.isArray(b.associations) || b.associations.length === 0) {
    throw invalid('associations', 'cannot be null or empty')
  }
  const seen = new Set<string>()
  const associations = b.associations.map((raw, i) => {
    const a = objectBody(raw, '{"subject": "orders-value", "associationType": "value"}')
    if (typeof a.subject !== 'string' || a.subject === '') {
      throw invalid(`associations[${i}].subject`, 'it is required and must be a non-empty string')
    }
    validateSubject(a.subject)
    const type = a.associationType == null ? 'value' : String(a.associationType).toLowerCase()
    if (type !== 'key' && type !== 'value')
      throw invalid(`associations[${i}].associationType`, 'use "key" or "value"')
    if (seen.has(type)) throw invalid(`associations[${i}].associationType`, `"${type}" is given twice`)
    seen.add(type)
    const lifecycle = a.lifecycle == null ? 'WEAK' : String(a.lifecycle).toUpperCase()
    if (!(LIFECYCLES as readonly string[]).includes(lifecycle)) {
      throw invalid(`associations[${i}].lifecycle`, 'use "STRONG" or "WEAK"')
    }
    if (a.frozen != null && typeof a.frozen !== 'boolean')
      throw invalid(`associations[${i}].frozen`, 'use true or false')
    if (a.schema != null) {
      throw invalid(
        `associations[${i}].schema`,
        'registering a schema inside an association is not supported by Kafkit; register it under the subject first',
      )
    }
    return {
      subject: a.subject,
      associationType: type,
      lifecycle: lifecycle as (typeof LIFECYCLES)[number],
      frozen: a.frozen === true,
    }
  })
  return { resourceName, resourceNamespace, resourceId, resourceType, associations }
}
