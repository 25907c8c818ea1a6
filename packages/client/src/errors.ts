import { defineErrors, type ErrorDefinition, KafkitError, type KafkitErrorOptions } from '@kafkit/common'

/** Every error code this package throws; docs/errors.md is generated from this table. */
export const ERROR_DEFINITIONS = defineErrors({
  KAFKIT_CLIENT_VALIDATION_FAILED: {
    message:
      'A key or value does not match its topic schema; nothing was sent (details.issues names each path)',
  },
  KAFKIT_CLIENT_UNKNOWN_TOPIC: {
    message: 'The topic is not one the producer or consumer was created with; pass its descriptor',
  },
  KAFKIT_CLIENT_TOPIC_NOT_FOUND: {
    message: 'The topic does not exist on the cluster: declare it and run ensureTopics(), or create it',
  },
  KAFKIT_CLIENT_SCHEMA_REFUSED: {
    message:
      'The publish guard refused the schema: incompatible with the subject, or not registered in strict mode (a SchemaRefusedError: reasons lists each broken rule with a fix)',
  },
  KAFKIT_CLIENT_REGISTRY_UNAVAILABLE: {
    message: 'The schema registry could not be reached or answered with an unexpected error',
    canRetry: true,
  },
  KAFKIT_CLIENT_ENCODE_FAILED: { message: 'A key or value could not be serialized' },
  KAFKIT_CLIENT_JSON_FORM_INVALID: {
    message:
      'A JSON value does not fit the Avro schema (kafkit produce / jsonToAvro): fix the value at the path the message names',
  },
  KAFKIT_CLIENT_SCHEMA_INVALID: {
    message:
      'A writer schema given for the JSON form (kafkit produce --key-schema/--value-schema, genericAvroSchema) is not valid Avro: fix the place the message names',
  },
  KAFKIT_CLIENT_DECODE_FAILED: {
    message:
      'A record could not be decoded: not Confluent-framed, unknown schema id, or the writer schema cannot be read with the reader schema',
  },
  KAFKIT_CLIENT_PARTITION_INVALID: {
    message:
      "A record's partition (set on the record, or returned by a partitioner) is outside 0..partitionCount-1, or the topic has no partitions; nothing of that send was written",
  },
  KAFKIT_CLIENT_SEND_FAILED: {
    message: 'The broker did not acknowledge the records after the configured retries',
    canRetry: true,
  },
  KAFKIT_CLIENT_NOT_DELIVERED: {
    message:
      'The broker did not acknowledge some records of a send; details.undelivered lists each topic, partition and record count',
    canRetry: true,
  },
  KAFKIT_CLIENT_AUTH_FAILED: {
    message:
      'The brokers refused this client: SASL credentials or mechanism rejected, or a TLS certificate the client does not trust (pass its CA in tls.ca); nothing is retried',
  },
  KAFKIT_CLIENT_CONSUMER_FAILED: {
    message: 'The consumer stopped: a record failed with the `fail` policy, or the handler threw',
  },
  KAFKIT_CLIENT_ADMIN_FAILED: { message: 'A topic administration request failed' },
  KAFKIT_CLIENT_ADMIN_DRIFT: {
    message:
      'Topics differ from their declaration in ways ensureTopics cannot fix (details.drift lists them)',
  },
})

/** The client's codes, plus the one code every package uses for invalid options (from @kafkit/common). */
export type ClientErrorCode = keyof typeof ERROR_DEFINITIONS | 'KAFKIT_INVALID_OPTIONS'

/** The one error class of @kafkit/client; `code` says what went wrong, `details` carries the specifics. */
export class ClientError extends KafkitError {
  declare readonly code: ClientErrorCode
  constructor(code: ClientErrorCode, message: string, options: KafkitErrorOptions = {}) {
    const definition: ErrorDefinition | undefined =
      code === 'KAFKIT_INVALID_OPTIONS' ? undefined : ERROR_DEFINITIONS[code]
    super(code, message, { canRetry: definition?.canRetry ?? false, ...options })
  }
}

/** A refusal by the brokers (SASL or TLS): passed on as it is, since wrapping it would hide the fix. */
export function isAuthFailure(error: unknown): error is ClientError {
  return error instanceof ClientError && error.code === 'KAFKIT_CLIENT_AUTH_FAILED'
}

/** One rule a refused schema broke: where (`path`, a JSON pointer), what, and how to fix the schema. */
export interface RefusalReason {
  readonly type: string
  readonly path: string | undefined
  readonly message: string
  readonly hint: string
}

export interface SchemaRefusedDetails {
  readonly subject: string
  /** The registered version the schema was checked against, when the registry said. */
  readonly version: number | undefined
  /** The subject's compatibility level (`BACKWARD`, ...), or 'unknown'. */
  readonly level: string
  /** 'incompatible', 'incompatible-with-latest' or 'not-registered'. */
  readonly reason: string
  /** The publish guard's mode: 'autoRegister', 'useLatest' or 'strict'. */
  readonly mode: string
  readonly reasons: readonly RefusalReason[]
}

/**
 * The publish guard refused a schema (code KAFKIT_CLIENT_SCHEMA_REFUSED). `reasons` lists each
 * broken rule as data with a hint; the message stays short: the subject, the level and the first
 * reasons with their fixes.
 */
export class SchemaRefusedError extends ClientError {
  readonly subject: string
  readonly version: number | undefined
  readonly level: string
  readonly reasons: readonly RefusalReason[]
  constructor(refusal: SchemaRefusedDetails) {
    super('KAFKIT_CLIENT_SCHEMA_REFUSED', refusalMessage(refusal), {
      details: { ...refusal, compatibilityLevel: refusal.level },
    })
    this.subject = refusal.subject
    this.version = refusal.version
    this.level = refusal.level
    this.reasons = refusal.reasons
  }
}

const SHOWN = 2

function refusalMessage(r: SchemaRefusedDetails): string {
  const against = r.version === undefined ? '' : ` against version ${r.version}`
  const head = `schema refused for subject '${r.subject}' (${r.level}${against}, ${r.reason}, mode ${r.mode})`
  if (r.reasons.length === 0) return `${head}: the registry gave no reasons`
  const shown = r.reasons
    .slice(0, SHOWN)
    .map(
      (x) =>
        `${x.type === 'OTHER' ? '' : `${x.type}${x.path ? ` at ${x.path}` : ''}: `}${x.message}; fix: ${x.hint}`,
    )
  const more = r.reasons.length > SHOWN ? ` (+${r.reasons.length - SHOWN} more in error.reasons)` : ''
  return `${head}: ${shown.join(' | ')}${more}`
}
