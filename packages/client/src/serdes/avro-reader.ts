import avro, { type Resolver, type Type } from 'avsc'
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

const { types } = avro

function isA(type: Type, ctor: unknown): boolean {
  return Object.getPrototypeOf(type) === (ctor as { prototype: unknown }).prototype
}

interface Field {
  readonly type: Type
}

/** avsc's long: a number, refused when it may have lost precision (same bound and message as avsc). */
function readSafeLong(tap: KafkitTap): number {
  const n = tap.readLong()
  if (!(n >= -9007199254740990 && n <= 9007199254740990)) throw new Error('potential precision loss')
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

function compileReader(root: Type): Reader {
  const values: unknown[] = []
  const ref = (value: unknown): string => {
    let i = values.indexOf(value)
    if (i < 0) i = values.push(value) - 1
    return `v${i}`
  }
  const functions: string[] = []
  const names = new Map<Type, string>()
  // Named before its body is built, so a recursive reference finds it.
  const fn = (type: Type, body: () => string): string => {
    let name = names.get(type)
    if (name === undefined) {
      name = `r${names.size}`
      names.set(type, name)
      functions.push(`function ${name}(t) {\n${body()}\n}`)
    }
    return `${name}(t)`
  }
  const read = (type: Type): string => {
    if (isA(type, types.NullType)) return 'null'
    if (isA(type, types.BooleanType)) return 't.readBoolean()'
    if (isA(type, types.IntType)) return 't.readInt()'
    if (isA(type, types.LongType)) return 'readSafeLong(t)'
    if (isA(type, types.FloatType)) return 't.readFloat()'
    if (isA(type, types.DoubleType)) return 't.readDouble()'
    if (isA(type, types.StringType)) return 't.readString()'
    if (isA(type, types.BytesType)) return 't.readBytes()'
    if (isA(type, types.RecordType)) {
      const record = type as unknown as { recordConstructor: unknown; fields: readonly Field[] }
      return fn(type, () => {
        const args = record.fields.map((f) => read(f.type))
        return `return new ${ref(record.recordConstructor)}(${args.join(', ')})`
      })
    }
    if (isA(type, types.ArrayType)) {
      const items = (type as unknown as { itemsType: Type }).itemsType
      return fn(
        type,
        () => `let i = 0, val, n
while ((n = t.readLong())) {
  if (n < 0) { n = -n; t.skipLong() }
  val = val || new Array(n)
  while (n--) val[i++] = ${read(items)}
}
return val || []`,
      )
    }
    if (isA(type, types.MapType)) {
      const valuesType = (type as unknown as { valuesType: Type }).valuesType
      return fn(
        type,
        () => `const val = {}
let n
while ((n = t.readLong())) {
  if (n < 0) { n = -n; t.skipLong() }
  while (n--) { const key = t.readString(); val[key] = ${read(valuesType)} }
}
return val`,
      )
    }
    if (isA(type, types.UnwrappedUnionType)) {
      const branches = (type as unknown as { types: readonly Type[] }).types
      return fn(
        type,
        () => `const i = t.readLong()
switch (i) {
${branches.map((b, i) => `  case ${i}: return ${read(b)}`).join('\n')}
  default: throw new Error('invalid union index: ' + i)
}`,
      )
    }
    return `${ref(type)}._read(t)`
  }
  const top = read(root)
  const params = ['readSafeLong', ...values.map((_, i) => `v${i}`)]
  const source = `${functions.join('\n')}\nreturn function read(t) { return ${top} }`
  // Compiled once per schema from avsc's own types (no user text reaches the source), as avsc does.
  return new Function(...params, source)(readSafeLong, ...values) as Reader
}
