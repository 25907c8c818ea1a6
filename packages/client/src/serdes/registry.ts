import { RegistryClient } from '@kafkit/registry-client'

/**
 * The few Schema Registry operations the client needs. `RegistryClient` from @kafkit/registry-client
 * satisfies it; anything else speaking Confluent's REST API can be adapted to it.
 */
export interface SchemaRegistry {
  /** Registers (or finds) `schema` under `subject`; returns its global id. */
  register(subject: string, schema: RegistrySchema): Promise<{ id: number; guid?: string | undefined }>
  /** The id/version of `schema` under `subject`; rejects with a 404-type error when it is not registered. */
  lookup(
    subject: string,
    schema: RegistrySchema,
  ): Promise<{ id: number; version: number; guid?: string | undefined }>
  /** The schema text for a global id (what consumers resolve the writer schema from). */
  getSchemaById(id: number): Promise<{ schema: string; schemaType?: string | undefined }>
  /** The schema text for a Confluent 8 schema GUID; needed only to read GUID-framed records. */
  getSchemaByGuid?(guid: string): Promise<{ schema: string; schemaType?: string | undefined }>
  /** A registered version of a subject, or the latest. */
  getVersion(
    subject: string,
    version: number | 'latest',
  ): Promise<{ id: number; version: number; schema: string; subject?: string; guid?: string | undefined }>
  /** Compatibility of `schema` with the subject (against the latest version unless `version` says otherwise). */
  testCompatibility(
    subject: string,
    schema: RegistrySchema,
    options?: { version?: number | 'latest' },
  ): Promise<{ isCompatible: boolean; messages?: readonly string[] | undefined }>
  /** Compatibility level of a subject (with defaultToGlobal, the global level when it has none). */
  getConfig(
    subject?: string,
    options?: { defaultToGlobal?: boolean },
  ): Promise<{ compatibilityLevel: string }>
}

export interface RegistrySchema {
  /** Avro schema as JSON text. */
  readonly schema: string
  readonly schemaType?: 'AVRO'
}

/** True for "not found" answers (Confluent 404 / 40401 subject / 40402 version / 40403 schema). */
export function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const e = error as { status?: unknown; httpStatus?: unknown; statusCode?: unknown; errorCode?: unknown }
  const details = (error as { details?: { status?: unknown; errorCode?: unknown; httpStatus?: unknown } })
    .details
  const statuses = [e.status, e.httpStatus, e.statusCode, details?.status, details?.httpStatus]
  if (statuses.includes(404)) return true
  const codes = [e.errorCode, details?.errorCode]
  return codes.some((c) => typeof c === 'number' && c >= 40400 && c < 40500)
}

/** A registry given as a URL becomes a `RegistryClient` (from @kafkit/registry-client). */
export function toSchemaRegistry(registry: SchemaRegistry | string): SchemaRegistry {
  return typeof registry === 'string' ? new RegistryClient({ url: registry }) : registry
}
