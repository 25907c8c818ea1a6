import avro, { type Type } from 'avsc'
import type { KafkitTap } from './avro-tap'

/*
 * A writer compiled per schema, the twin of avro-reader.ts: one function per record, array, map and
 * unwrapped union, primitives written in line after the same type check avsc makes. A value that fails
 * the check goes to the avsc type's own `_write`, which throws avsc's error; an omitted field with a
 * default is written as avsc writes it (its default's bytes). Enums, fixed, bytes, floats, logical
 * types, bigint longs and wrapped unions are written by their avsc type. A property test checks the
 * bytes against avsc's `toBuffer` for every fixture schema.
 */

export type Writer = (tap: KafkitTap, value: unknown) => void

const { types } = avro

function isA(type: Type, ctor: unknown): boolean {
  return Object.getPrototypeOf(type) === (ctor as { prototype: unknown }).prototype
}

interface Field {
  readonly name: string
  readonly type: Type
  defaultValue(): unknown
}

const compiled = new WeakMap<Type, Writer>()

/** The compiled writer of `type`, built on first use. */
export function writerOf(type: Type): Writer {
  let writer = compiled.get(type)
  if (writer === undefined) {
    writer = compileWriter(type)
    compiled.set(type, writer)
  }
  return writer
}

function compileWriter(root: Type): Writer {
  const values: unknown[] = []
  const ref = (value: unknown): string => {
    let i = values.indexOf(value)
    if (i < 0) i = values.push(value) - 1
    return `c${i}`
  }
  const functions: string[] = []
  const names = new Map<Type, string>()
  const fn = (type: Type, body: () => string): string => {
    let name = names.get(type)
    if (name === undefined) {
      name = `w${names.size}`
      names.set(type, name)
      functions.push(`function ${name}(t, v) {\n${body()}\n}`)
    }
    return name
  }
  /** A statement writing the value in variable `v` (a plain identifier). */
  const write = (type: Type, v: string): string => {
    const own = `${ref(type)}._write(t, ${v})`
    if (isA(type, types.NullType)) return `if (${v} !== null) ${own}`
    if (isA(type, types.BooleanType))
      return `if (typeof ${v} === 'boolean') t.writeBoolean(${v}); else ${own}`
    if (isA(type, types.IntType)) return `if (${v} === (${v} | 0)) t.writeInt(${v}); else ${own}`
    if (isA(type, types.LongType))
      return `if (typeof ${v} === 'number' && ${v} % 1 === 0 && ${v} >= -9007199254740990 && ${v} <= 9007199254740990) t.writeLong(${v}); else ${own}`
    if (isA(type, types.DoubleType)) return `if (typeof ${v} === 'number') t.writeDouble(${v}); else ${own}`
    if (isA(type, types.StringType)) return `if (typeof ${v} === 'string') t.writeString(${v}); else ${own}`
    if (isA(type, types.RecordType)) {
      const fields = (type as unknown as { fields: readonly Field[] }).fields
      const name = fn(type, () =>
        fields
          .map((f, i) => {
            const x = `x${i}`
            const read = `const ${x} = v[${JSON.stringify(f.name)}]`
            const fallback = f.defaultValue()
            if (fallback === undefined) return `${read}\n${write(f.type, x)}`
            // avsc writes an omitted field's default from its bytes, computed once (as here).
            const bytes = f.type.toBuffer(fallback).toString('binary')
            return `${read}\nif (${x} === undefined) t.writeBinary(${ref(bytes)}, ${bytes.length})\nelse { ${write(f.type, x)} }`
          })
          .join('\n'),
      )
      return `${name}(t, ${v})`
    }
    if (isA(type, types.ArrayType)) {
      const items = (type as unknown as { itemsType: Type }).itemsType
      const name = fn(
        type,
        () => `if (!Array.isArray(v)) ${ref(type)}._write(t, v)
const n = v.length
if (n) {
  t.writeLong(n)
  for (let i = 0; i < n; i++) { const x = v[i]; ${write(items, 'x')} }
}
t.writeLong(0)`,
      )
      return `${name}(t, ${v})`
    }
    if (isA(type, types.MapType)) {
      const valuesType = (type as unknown as { valuesType: Type }).valuesType
      const name = fn(
        type,
        () => `if (!v || typeof v !== 'object' || Array.isArray(v)) ${ref(type)}._write(t, v)
const keys = Object.keys(v)
const n = keys.length
if (n) {
  t.writeLong(n)
  for (let i = 0; i < n; i++) { const key = keys[i]; t.writeString(key); const x = v[key]; ${write(valuesType, 'x')} }
}
t.writeLong(0)`,
      )
      return `${name}(t, ${v})`
    }
    if (isA(type, types.UnwrappedUnionType)) {
      const branches = (type as unknown as { types: readonly Type[] }).types
      const u = ref(type)
      const name = fn(
        type,
        () => `const i = ${u}._getIndex(v)
if (i === undefined) ${u}._write(t, v)
t.writeLong(i)
if (v !== null) {
  switch (i) {
${branches.map((b, i) => `    case ${i}: { ${write(b, 'v')}; break }`).join('\n')}
  }
}`,
      )
      return `${name}(t, ${v})`
    }
    return own
  }
  const top = write(root, 'v')
  const source = `${functions.join('\n')}\nreturn function write(t, v) { ${top} }`
  // Compiled once per schema from avsc's own types (no user text reaches the source), as avsc does.
  return new Function(...values.map((_, i) => `c${i}`), source)(...values) as Writer
}
