import type { SerdeDescriptor } from '@kafkit/common'
import { ClientError } from '../errors'

export interface ValidationIssue {
  /** Dotted path inside the key or value (`items.0.price`); empty for the whole thing. */
  readonly path: string
  readonly message: string
}

/**
 * Checks a key or value against its serde before anything is encoded or sent. Avro sides go
 * through the descriptor's zod validator (so the error names the field path); the parsed output is
 * what gets encoded (zod fills in defaults).
 */
export function validateSide(
  topic: string,
  side: 'key' | 'value',
  serde: SerdeDescriptor,
  input: unknown,
): unknown {
  switch (serde.kind) {
    case 'avro': {
      const result = serde.validator.safeParse(input)
      if (result.success) return result.data
      throw validationError(
        topic,
        side,
        result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      )
    }
    case 'string':
      if (typeof input === 'string') return input
      throw validationError(topic, side, [{ path: '', message: `expected a string, got ${describe(input)}` }])
    case 'bytes':
      if (Buffer.isBuffer(input)) return input
      throw validationError(topic, side, [{ path: '', message: `expected a Buffer, got ${describe(input)}` }])
    case 'null':
      if (input === null || input === undefined) return null
      throw validationError(topic, side, [
        { path: '', message: `this topic has no ${side}; got ${describe(input)}` },
      ])
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Buffer.isBuffer(v)) return 'a Buffer'
  return typeof v
}

export function validationError(
  topic: string,
  side: 'key' | 'value',
  issues: ValidationIssue[],
): ClientError {
  const list = issues.map((i) => `${i.path === '' ? `(${side})` : i.path}: ${i.message}`).join('; ')
  return new ClientError(
    'KAFKIT_CLIENT_VALIDATION_FAILED',
    `${side} for topic '${topic}' is invalid, nothing was sent: ${list}`,
    { details: { topic, side, issues } },
  )
}
