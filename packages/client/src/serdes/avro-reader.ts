import { MAX_SAFE_LONG } from '@kafkit/common'
import {
  avscKind,
  CompiledSource,
  itemsType,
  recordFields,
  unionBranches,
  valuesType,
} from '@kafkit/common/avsc-compile'
import type { Resolver, Type } from 'avsc'
import type { KafkitTap } from './avro-tap'

/*
 * A reader compiled per reader schema: one function per record, array, map and unwrapped union, with
 * primitives read in line, as `new Record(field0, field1, ...)` exactly as avsc builds them (same
 * record class, same field order, same errors). avsc dispatches every value through its type object
 * (`type._read(tap)`), and the array, map and union readers it shares between all schemas see every
 * item type of the process at one call site. Anything else (enums, fixed, logical types, bigint longs,
 * wrapped unions) is read by its avsc type. A property test checks the values against avsc's own
 * `fromBuffer` for every fixture schema.
 */

export type Reader = (tap: KafkitTap) => unknown

/** avsc's long: a number, refused when it may have lost precision (same bound and message as avsc). */
function readSafeLong(tap: KafkitTap): number {
  const n = tap.readLong()
  if (!(n >= -MAX_SAFE_LONG && n <= MAX_SAFE_LONG)) throw new Error('potential precision loss')
  return n
}

const compiled = new WeakMap<Type, Reader>()

/** The compiled reader of `type`, built on first use. */
export function readerOf(type: Type): Reader {
  let reader = compiled.get(type)
  if (reader === undefined) {
    reader = compileReader(type)
    compiled.set(type, reader)
  }
  return reader
}

/** A reader for data written with another schema, through avsc's resolver. */
export function resolvingReader(resolver: Resolver): Reader {
  const r = resolver as unknown as { _read(tap: KafkitTap): unknown }
  return (tap) => r._read(tap)
}

// The tap call reading each primitive the reader compiles in line.
const TAP_READ: Partial<Record<ReturnType<typeof avscKind>, string>> = {
  null: 'null',
  boolean: 't.readBoolean()',
  int: 't.readInt()',
  long: 'readSafeLong(t)',
  float: 't.readFloat()',
  double: 't.readDouble()',
  string: 't.readString()',
  bytes: 't.readBytes()',
}

function compileReader(root: Type): Reader {
  const out = new CompiledSource('r', 't')
  const read = (type: Type): string => {
    const kind = avscKind(type)
    const inline = TAP_READ[kind]
    if (inline !== undefined) return inline
    if (kind === 'record') {
      const record = type as unknown as { recordConstructor: unknown }
      const fields = recordFields(type)
      return `${out.fn(type, () => {
        const args = fields.map((f) => read(f.type))
        return `return new ${out.ref(record.recordConstructor)}(${args.join(', ')})`
      })}(t)`
    }
    if (kind === 'array') {
      const items = itemsType(type)
      return `${out.fn(
        type,
        () => `let i = 0, val, n
while ((n = t.readLong())) {
  if (n < 0) { n = -n; t.skipLong() }
  val = val || new Array(n)
  while (n--) val[i++] = ${read(items)}
}
return val || []`,
      )}(t)`
    }
    if (kind === 'map') {
      const values = valuesType(type)
      return `${out.fn(
        type,
        () => `const val = {}
let n
while ((n = t.readLong())) {
  if (n < 0) { n = -n; t.skipLong() }
  while (n--) { const key = t.readString(); val[key] = ${read(values)} }
}
return val`,
      )}(t)`
    }
    if (kind === 'unwrapped-union') {
      const branches = unionBranches(type)
      return `${out.fn(
        type,
        () => `const i = t.readLong()
switch (i) {
${branches.map((b, i) => `  case ${i}: return ${read(b)}`).join('\n')}
  default: throw new Error('invalid union index: ' + i)
}`,
      )}(t)`
    }
    return `${out.ref(type)}._read(t)`
  }
  const top = read(root)
  return out.compile<Reader>(`function read(t) { return ${top} }`, { readSafeLong })
}
