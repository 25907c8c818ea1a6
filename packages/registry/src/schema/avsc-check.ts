import { AVRO_PRIMITIVES, isJsonObject, type JsonValue, toPlain } from '@kafkit/common/avro-schema'
import avsc from 'avsc'

/**
 * avsc must be able to compile every schema we accept, since Kafkit's own serdes use it. Defaults are removed
 * first: they are already checked (more strictly, and with Java's number rules that avsc cannot apply to longs
 * beyond 2^53). Returns avsc's complaint, or undefined.
 */
export function avscProblem(json: JsonValue, registry: Record<string, avsc.Type>): string | undefined {
  const restore = withoutCodeGeneration()
  try {
    // No logicalTypes option: unknown (and all) logical types degrade to their base type.
    avsc.Type.forSchema(toPlain(withoutDefaults(json)) as avsc.Schema, { registry, wrapUnions: 'auto' })
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  } finally {
    restore()
  }
}

// avsc validates a schema while it builds the types, then compiles a reader, writer, skipper, checker and
// constructors for every record with `new Function`: about 70% of a register's parse time, spent on types the
// backstop throws away (its registry is local to one parse). The compilers check nothing the constructors
// have not checked already (names are validated identifiers by then), so they are switched off for the
// duration of the backstop's synchronous forSchema call, and switched back on before anything else runs.
interface AvscInternals {
  prototype: Record<string, unknown>
}
const BaseType = avsc.Type as unknown as AvscInternals
const RecordType = (avsc as unknown as { types: Record<string, AvscInternals> }).types.RecordType!
const SKIPPED: ReadonlyArray<readonly [AvscInternals, string]> = [
  [BaseType, '_createBranchConstructor'],
  ...(
    ['_createConstructor', '_createReader', '_createSkipper', '_createWriter', '_createChecker'] as const
  ).map((m) => [RecordType, m] as const),
]
const notCompiled = () => {
  throw new Error('internal: a backstop-only avsc type was used to read or write')
}
function withoutCodeGeneration(): () => void {
  const saved = SKIPPED.map(([owner, method]) => {
    const original = owner.prototype[method]
    owner.prototype[method] = method === '_createBranchConstructor' ? () => null : () => notCompiled
    return () => {
      owner.prototype[method] = original
    }
  })
  return () => {
    for (const undo of saved) undo()
  }
}

const COMPLEX = new Set(['record', 'error', 'enum', 'fixed', 'array', 'map'])

/**
 * What avsc gets: no field defaults or orders (checked by us, with Java's rules: Java also takes "DESCENDING"),
 * and {"type": "Name"} written as "Name" (Java accepts that form of reference, avsc does not).
 */
function withoutDefaults(v: JsonValue, inFields = false): JsonValue {
  if (Array.isArray(v)) return v.map((x) => withoutDefaults(x, inFields))
  if (!isJsonObject(v)) return v
  const type = v.get('type')
  if (!inFields && typeof type === 'string' && !AVRO_PRIMITIVES.has(type) && !COMPLEX.has(type)) return type
  const out = new Map<string, JsonValue>()
  for (const [k, x] of v) {
    if (inFields && (k === 'default' || k === 'order')) continue
    out.set(k, withoutDefaults(x, k === 'fields'))
  }
  return out
}
