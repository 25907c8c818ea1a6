import { defineErrors, isKafkitError, KafkitError, type KafkitErrorOptions } from '@kafkit/common'

/** Every error code this package throws; docs/errors.md is generated from this table. */
export const ERROR_DEFINITIONS = defineErrors({
  // --- Server / state machine (Confluent REST error codes in REGISTRY_API_ERROR_CODES below) ---
  KAFKIT_REGISTRY_SUBJECT_NOT_FOUND: { message: 'Subject not found (40401)', httpStatus: 404 },
  KAFKIT_REGISTRY_VERSION_NOT_FOUND: { message: 'Version not found (40402)', httpStatus: 404 },
  KAFKIT_REGISTRY_SCHEMA_NOT_FOUND: { message: 'Schema not found (40403)', httpStatus: 404 },
  KAFKIT_REGISTRY_SUBJECT_SOFT_DELETED: {
    message: 'Subject was soft deleted; set permanent=true to delete it permanently (40404)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_SUBJECT_NOT_SOFT_DELETED: {
    message: 'Subject must be soft deleted before it is permanently deleted (40405)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_VERSION_SOFT_DELETED: {
    message: 'Version was soft deleted; set permanent=true to delete it permanently (40406)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_VERSION_NOT_SOFT_DELETED: {
    message: 'Version must be soft deleted before it is permanently deleted (40407)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_SUBJECT_CONFIG_NOT_FOUND: {
    message: 'Subject has no subject-level compatibility configured; use defaultToGlobal=true (40408)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_SUBJECT_MODE_NOT_FOUND: {
    message: 'Subject has no subject-level mode configured; use defaultToGlobal=true (40409)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_INCOMPATIBLE_SCHEMA: {
    message: 'Schema is incompatible with an earlier schema of the subject (40901)',
    httpStatus: 409,
  },
  KAFKIT_REGISTRY_INVALID_SCHEMA: {
    message: 'The schema is not a valid Avro schema (42201): fix the spot the message names',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_INVALID_VERSION: {
    message: 'Invalid version: use an integer between 1 and 2^31-1, "latest" or -1 (42202)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_INVALID_COMPATIBILITY_LEVEL: {
    message:
      'Invalid compatibility level: use NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE (42203)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_INVALID_MODE: {
    message: 'Invalid mode: use READWRITE, READONLY or IMPORT (42204)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED: {
    message: 'Operation not permitted in the current mode or state (42205)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_REFERENCE_EXISTS: {
    message: 'Other schemas reference this version; delete them first (42206)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_INVALID_SUBJECT: {
    message: 'Invalid subject name: non-empty, at most 255 characters, no control characters (42208)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_ASSOCIATION_NOT_FOUND: {
    message: 'No association exists for the resource (40410)',
    httpStatus: 404,
  },
  KAFKIT_REGISTRY_ASSOCIATION_EXISTS: {
    message: 'The resource already has an association of that type; update it with PUT instead (40903)',
    httpStatus: 409,
  },
  KAFKIT_REGISTRY_SUBJECT_ASSOCIATED: {
    message: 'The subject is already associated with another resource (40904)',
    httpStatus: 409,
  },
  KAFKIT_REGISTRY_NO_ACTIVE_SUBJECT_VERSION: {
    message: 'The subject has no live version to associate; register a schema first (40907)',
    httpStatus: 409,
  },
  KAFKIT_REGISTRY_ASSOCIATION_FROZEN: {
    message: 'The association is frozen and cannot be changed or deleted (40908)',
    httpStatus: 409,
  },
  KAFKIT_REGISTRY_INVALID_RULESET: {
    message: 'The rule set or metadata is not valid: fix the rule the message names (42210)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_INVALID_ASSOCIATION: {
    message: 'The association request is missing a field or has a bad value (42212)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_NOT_ACCEPTABLE: {
    message: 'The Accept header names no media type this registry produces (406)',
    httpStatus: 406,
  },
  KAFKIT_REGISTRY_STORE_ERROR: {
    message: 'The registry log store failed to write or read a change (50001)',
    httpStatus: 500,
    canRetry: true,
  },
  KAFKIT_REGISTRY_OPERATION_TIMEOUT: {
    message: 'A write was not applied in time; it may still be applied later (50002)',
    httpStatus: 500,
    canRetry: true,
  },
  KAFKIT_REGISTRY_LOG_UNAVAILABLE: {
    message:
      'This instance cannot follow the shared log (not ready or stopped), so it cannot apply writes (50003)',
    httpStatus: 500,
    canRetry: true,
  },
  KAFKIT_REGISTRY_BAD_REQUEST: {
    message: 'The request body is not valid JSON (400)',
    httpStatus: 400,
  },
  KAFKIT_REGISTRY_UNPROCESSABLE_REQUEST: {
    message: 'The request body has a missing field or a field of the wrong type (422)',
    httpStatus: 422,
  },
  KAFKIT_REGISTRY_UNAUTHORIZED: {
    message: 'Authentication required: send HTTP basic credentials of a configured user (401)',
    httpStatus: 401,
  },
  KAFKIT_REGISTRY_FORBIDDEN: {
    message: 'This user is read-only; writes need a read-write user (403)',
    httpStatus: 403,
  },
  KAFKIT_REGISTRY_LOG_CORRUPT: {
    message: 'The registry log contains a record that cannot be decoded',
  },
  KAFKIT_REGISTRY_DATA_DIR_LOCKED: {
    message: 'Another registry process uses this data dir; stop it or pick another dir',
  },
})

export type RegistryErrorCode = keyof typeof ERROR_DEFINITIONS

/** Confluent `error_code` numbers each code is reported with over HTTP. */
export const REGISTRY_API_ERROR_CODES: Readonly<Record<string, number>> = Object.freeze({
  KAFKIT_REGISTRY_SUBJECT_NOT_FOUND: 40401,
  KAFKIT_REGISTRY_VERSION_NOT_FOUND: 40402,
  KAFKIT_REGISTRY_SCHEMA_NOT_FOUND: 40403,
  KAFKIT_REGISTRY_SUBJECT_SOFT_DELETED: 40404,
  KAFKIT_REGISTRY_SUBJECT_NOT_SOFT_DELETED: 40405,
  KAFKIT_REGISTRY_VERSION_SOFT_DELETED: 40406,
  KAFKIT_REGISTRY_VERSION_NOT_SOFT_DELETED: 40407,
  KAFKIT_REGISTRY_SUBJECT_CONFIG_NOT_FOUND: 40408,
  KAFKIT_REGISTRY_SUBJECT_MODE_NOT_FOUND: 40409,
  KAFKIT_REGISTRY_INCOMPATIBLE_SCHEMA: 40901,
  KAFKIT_REGISTRY_INVALID_SCHEMA: 42201,
  KAFKIT_REGISTRY_INVALID_VERSION: 42202,
  KAFKIT_REGISTRY_INVALID_COMPATIBILITY_LEVEL: 42203,
  KAFKIT_REGISTRY_INVALID_MODE: 42204,
  KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED: 42205,
  KAFKIT_REGISTRY_REFERENCE_EXISTS: 42206,
  KAFKIT_REGISTRY_INVALID_SUBJECT: 42208,
  KAFKIT_REGISTRY_ASSOCIATION_NOT_FOUND: 40410,
  KAFKIT_REGISTRY_ASSOCIATION_EXISTS: 40903,
  KAFKIT_REGISTRY_SUBJECT_ASSOCIATED: 40904,
  KAFKIT_REGISTRY_NO_ACTIVE_SUBJECT_VERSION: 40907,
  KAFKIT_REGISTRY_ASSOCIATION_FROZEN: 40908,
  KAFKIT_REGISTRY_INVALID_RULESET: 42210,
  KAFKIT_REGISTRY_INVALID_ASSOCIATION: 42212,
  KAFKIT_REGISTRY_NOT_ACCEPTABLE: 406,
  KAFKIT_REGISTRY_STORE_ERROR: 50001,
  KAFKIT_REGISTRY_OPERATION_TIMEOUT: 50002,
  KAFKIT_REGISTRY_LOG_UNAVAILABLE: 50003,
  KAFKIT_REGISTRY_BAD_REQUEST: 400,
  KAFKIT_REGISTRY_UNPROCESSABLE_REQUEST: 422,
  KAFKIT_REGISTRY_UNAUTHORIZED: 401,
  KAFKIT_REGISTRY_FORBIDDEN: 403,
})

/** HTTP status for a code, from the table (500 for a code without one). */
export function httpStatusOf(code: string): number {
  return (ERROR_DEFINITIONS as Record<string, { httpStatus?: number }>)[code]?.httpStatus ?? 500
}

/**
 * An error the registry API answers with: `errorCode` is Confluent's `error_code`, `httpStatus`
 * the HTTP status. Thrown by the state machine and by request validation.
 */
export class RegistryApiError extends KafkitError {
  readonly errorCode: number
  readonly httpStatus: number

  constructor(code: RegistryErrorCode, message: string, options: KafkitErrorOptions = {}) {
    const def = (ERROR_DEFINITIONS as Record<string, { canRetry?: boolean }>)[code]
    super(code, message, { ...options, canRetry: options.canRetry ?? def?.canRetry ?? false })
    this.errorCode = REGISTRY_API_ERROR_CODES[code] ?? 50001
    this.httpStatus = httpStatusOf(code)
  }
}

/**
 * A schema text that cannot be registered: bad JSON, unknown type, bad name, bad default, missing reference
 * (thrown by parseAvroSchema). `details.errorCode` is 42201; `details.path` a JSON pointer into the schema.
 */
export class RegistrySchemaError extends RegistryApiError {
  constructor(message: string, options: KafkitErrorOptions = {}) {
    super('KAFKIT_REGISTRY_INVALID_SCHEMA', message, {
      ...options,
      details: { errorCode: 42201, ...(options.details ?? {}) },
    })
  }
}

/**
 * The one place that decides "the client's schema is at fault: 42201". An API error passes through;
 * a Kafkit error with the invalid-schema code gets the API form; anything else thrown while reading
 * a client's schema (a parser or checker bug tripped by odd input) is still 42201, never a 5xx, with
 * the cause kept for the log.
 */
export function asSchemaError(error: unknown): RegistryApiError {
  if (error instanceof RegistryApiError) return error
  if (isKafkitError(error, 'KAFKIT_REGISTRY_INVALID_SCHEMA')) {
    return new RegistrySchemaError(`Invalid schema: ${error.message}`, {
      cause: error,
      details: error.details,
    })
  }
  return new RegistrySchemaError(
    `Invalid schema: it could not be processed (${(error as Error)?.message ?? String(error)})`,
    { cause: error },
  )
}

/** Store-level failures (log decode, data dir lock). */
export class RegistryStoreError extends KafkitError {}
