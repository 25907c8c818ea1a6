import avsc from 'avsc'
import { isJsonObject, type JsonValue, toPlain } from './json-text'

/**
 * avsc must be able to compile every schema we accept, since Kafkit's own serdes use it. Defaults are removed
 * first: they are already checked (more strictly, and with Java's number rules that avsc cannot apply to longs
 * beyond 2^53). Returns avsc's complaint, or undefined.
 */
export function avscProblem(json: JsonValue, registry: Record<string, avsc.Type>): string | undefined {
  try {
    // No logicalTypes option: unknown (and all) logical types degrade to their base type.
    avsc.Type.forSchema(toPlain(withoutDefaults(json)) as avsc.Schema, { registry, wrapUnions: 'auto' })
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

const KEYWORDS = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])
const COMPLEX = new Set(['record', 'error', 'enum', 'fixed', 'array', 'map'])

/**
 * What avsc gets: no field defaults or orders (checked by us, with Java's rules: Java also takes "DESCENDING"),
 * and {"type": "Name"} written as "Name" (Java accepts that form of reference, avsc does not).
 */
function withoutDefaults(v: JsonValue, inFields = false): JsonValue {
  if (Array.isArray(v)) return v.map((x) => withoutDefaults(x, inFields))
  if (!isJsonObject(v)) return v
  const type = v.get('type')
  if (!inFields && typeof type === 'string' && !KEYWORDS.has(type) && !COMPLEX.has(type)) return type
  const out = new Map<string, JsonValue>()
  for (const [k, x] of v) {
    if (inFields && (k === 'default' || k === 'order')) continue
    out.set(k, withoutDefaults(x, k === 'fields'))
  }
  return out
}
