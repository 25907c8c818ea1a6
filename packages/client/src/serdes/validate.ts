import type { SerdeDescriptor } from '@kafkit/common'
import { ClientError } from '../errors'

export interface ValidationIssue {
  /** Dotted path inside the key or value (`items.0.price`); empty for the whole thing. */
  readonly path: string
  readonly message: string
}

/**
 * Checks a key or value against its serde before anything is encoded or sent. An Avro side with a
 * `fastCheck` (generated descriptors: avsc's compiled `isValid`, which accepts exactly what their zod
 * validator accepts) takes it first, and a value it accepts is returned as is: encoding it gives the
 * same bytes as zod's output, since avsc writes an omitted field's default exactly as zod's
 * `.default()` fills it in. Zod runs only when the fast check says no (or there is none), so the
 * error names the field path with the same messages.
 */
export function validateSide(
  topic: string,
  side: 'key' | 'value',
  serde: SerdeDescriptor,
  input: unknown,
): unknown {
  if (serde.kind === 'avro' && serde.fastCheck?.(input)) return input
  return parseSide(topic, side, serde, input)
}

/**
 * Like `validateSide`, but an Avro side always goes through zod, and what comes back is zod's
 * output (defaults filled in, fresh objects): for code that reads the value as its full output type,
 * such as a custom partitioner.
 */
export function parseSide(
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
