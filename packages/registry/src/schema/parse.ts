import { createHash } from 'node:crypto'
import {
  type AvroSchemaErrorDetails,
  JsonSyntaxError,
  type JsonValue,
  type ParseContext,
  parseJsonText,
  parseNode,
  schemaError,
  toPlain,
} from '@kafkit/common/avro-schema'
import type avsc from 'avsc'
import { RegistrySchemaError } from '../errors'
import { avscProblem } from './avsc-check'
import { writeCanonical } from './canonical'
import type { AvroNamedNode, AvroNode, ParseAvroSchemaOptions, ParsedAvroSchema } from './types'

const MAX_SCHEMA_CHARS = 16 * 1024 * 1024

/** The registry's schema errors: 42201 over HTTP. */
const registryError = (message: string, details: AvroSchemaErrorDetails): Error =>
  new RegistrySchemaError(message, { details: { ...details } })

/**
 * Parses and validates an Avro schema text the way Confluent's registry does on register, and computes the forms
 * the registry keys on. Throws RegistrySchemaError (KAFKIT_REGISTRY_INVALID_SCHEMA, Confluent error_code 42201)
 * with the JSON pointer of the offending spot.
 */
export function parseAvroSchema(text: string, options: ParseAvroSchemaOptions = {}): ParsedAvroSchema {
  try {
    return parse(text, options)
  } catch (e) {
    // Deep but legal nesting can still exhaust the stack of a busy caller: a typed error, never a crash.
    if (e instanceof RangeError) {
      throw new RegistrySchemaError(`Invalid Avro schema: nested too deeply to process (${e.message})`, {
        details: { path: '/' },
      })
    }
    throw e
  }
}

function parse(text: string, options: ParseAvroSchemaOptions): ParsedAvroSchema {
  const references = options.references ?? []
  const backstop = options.avscBackstop ?? true
  const names = new Map<string, AvroNamedNode>()
  const registry: Record<string, avsc.Type> = {}

  const seen = new Set<string>()
  references.forEach((ref, k) => {
    const where = `reference ${JSON.stringify(ref?.name)} (subject ${JSON.stringify(ref?.subject)}, version ${ref?.version})`
    if (!ref || typeof ref.schema !== 'string') {
      throw new RegistrySchemaError(`Invalid Avro schema: ${where} has no schema text (references[${k}])`, {
        details: { path: '/', in: where },
      })
    }
    // A type reached through two paths (a diamond of references) is listed twice: parse it once, like
    // Confluent, which resolves references into a map keyed by name.
    const key = `${ref.name}\u0000${ref.schema}`
    if (seen.has(key)) return
    seen.add(key)
    parseDocument(
      ref.schema,
      { names, defined: [], external: true, where, error: registryError },
      registry,
      backstop,
    )
  })

  const ctx: ParseContext = { names, defined: [], external: false, where: '', error: registryError }
  const { root } = parseDocument(text, ctx, registry, backstop)
  const canonical = writeCanonical(root, false)
  const refKey = references.map((r) => `${r.name}\u0000${r.subject}\u0000${r.version}`).join('\u0001')
  return lazyForms(text, canonical, root, ctx.defined, references, refKey)
}

/**
 * The forms most callers never read are computed on first use: a registry replaying a long log
 * parses every schema in it and needs only the canonical form and the tree. A function of its own,
 * so the getters' closures hold only these values, not the parser's working state (its avsc types
 * and name table), for as long as a stored schema lives; the JSON is re-read from the text.
 */
function lazyForms(
  text: string,
  canonical: string,
  root: AvroNode,
  namedTypes: string[],
  references: ParsedAvroSchema['references'],
  refKey: string,
): ParsedAvroSchema {
  let plain: ParsedAvroSchema['json'] | undefined
  let normalized: string | undefined
  let fingerprint: string | undefined
  const parsed = { type: 'AVRO', canonical, namedTypes, root, references } as Omit<
    ParsedAvroSchema,
    'json' | 'normalized' | 'fingerprint'
  >
  Object.defineProperties(parsed, {
    json: {
      enumerable: true,
      get: () => (plain ??= toPlain(parseJsonText(text)) as ParsedAvroSchema['json']),
    },
    normalized: {
      enumerable: true,
      // Usually the same text as the canonical form: keep one string, not two equal copies.
      get: () => (normalized ??= sameOr(writeCanonical(root, true), canonical)),
    },
    fingerprint: {
      enumerable: true,
      get: () =>
        (fingerprint ??= createHash('sha256')
          .update(canonical)
          .update('\u0002')
          .update(refKey)
          .digest('hex')),
    },
  })
  return parsed as ParsedAvroSchema
}

function sameOr(text: string, other: string): string {
  return text === other ? other : text
}

function parseDocument(
  text: string,
  ctx: ParseContext,
  registry: Record<string, avsc.Type>,
  backstop: boolean,
): { json: JsonValue; root: AvroNode } {
  if (typeof text !== 'string') throw schemaError(ctx, '', 'the schema must be a string holding JSON')
  if (text.length > MAX_SCHEMA_CHARS)
    throw schemaError(ctx, '', `the schema is larger than ${MAX_SCHEMA_CHARS} characters`)
  let json: JsonValue
  try {
    json = parseJsonText(text)
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new RegistrySchemaError(
        `Invalid Avro schema${ctx.where ? ` in ${ctx.where}` : ''}: not valid JSON: ${e.message}`,
        { details: { path: '/', line: e.line, column: e.column, ...(ctx.where ? { in: ctx.where } : {}) } },
      )
    }
    throw e
  }
  const root = parseNode(ctx, json, undefined, '')
  if (!backstop) return { json, root }
  // Backstop: whatever we accept must also compile with avsc (used by Kafkit's serdes).
  // It gets our resolved graph written with unambiguous names, since name lookup rules differ slightly.
  const problem = avscProblem(
    parseJsonText(
      writeCanonical(root, false, Number.POSITIVE_INFINITY, {
        local: new Set(ctx.defined),
      }),
    ),
    registry,
  )
  if (problem !== undefined) throw schemaError(ctx, '', problem)
  return { json, root }
}
