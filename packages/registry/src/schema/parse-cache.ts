import { parseAvroSchema } from './parse'
import type { ParseAvroSchemaOptions, ParsedAvroSchema } from './types'

/** Most recently used parses, bounded by count and by the characters their keys hold. */
const MAX_ENTRIES = 512
const MAX_CHARS = 8 * 1024 * 1024
const cache = new Map<string, ParsedAvroSchema>()
let chars = 0

/**
 * parseAvroSchema with a small LRU cache. A write parses its schema twice (the pre-check, then the
 * apply in log order), a producer re-registers the same schema at every start, and compatibility
 * tests repeat: the parse (JSON, validation, canonical forms, the avsc backstop) dominates each of
 * these. Parsing is a pure function of the text and the resolved references, and a parsed schema is
 * never modified, so a cached one can be shared. Failures are not cached.
 */
export function parseAvroSchemaCached(text: string, options: ParseAvroSchemaOptions = {}): ParsedAvroSchema {
  const key = cacheKey(text, options)
  const hit = cache.get(key)
  if (hit !== undefined) {
    cache.delete(key)
    cache.set(key, hit)
    return hit
  }
  const parsed = parseAvroSchema(text, options)
  if (key.length <= MAX_CHARS / 8) {
    cache.set(key, parsed)
    chars += key.length
    while (cache.size > MAX_ENTRIES || chars > MAX_CHARS) {
      const oldest = cache.keys().next().value as string
      cache.delete(oldest)
      chars -= oldest.length
    }
  }
  return parsed
}

function cacheKey(text: string, options: ParseAvroSchemaOptions): string {
  const refs = options.references ?? []
  return refs.length === 0
    ? text
    : `${text}\u0000${refs.map((r) => `${r.name}\u0001${r.subject}\u0001${r.version}\u0001${r.schema}`).join('\u0002')}`
}

/** A cached parse (one that passed every check, the avsc backstop included), or undefined; never parses. */
export function cachedParse(
  text: string,
  options: ParseAvroSchemaOptions = {},
): ParsedAvroSchema | undefined {
  return cache.get(cacheKey(text, options))
}
