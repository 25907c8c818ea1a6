import {
  avscKind,
  CompiledSource,
  itemsType,
  primitiveCheck,
  recordFields,
  unionBranches,
  valuesType,
} from '@kafkit/common/avsc-compile'
import type { Type } from 'avsc'
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

// The tap method writing each primitive the writer compiles in line (after avsc's own check).
const TAP_WRITE: Partial<Record<ReturnType<typeof avscKind>, string>> = {
  boolean: 'writeBoolean',
  int: 'writeInt',
  long: 'writeLong',
  double: 'writeDouble',
  string: 'writeString',
}

function compileWriter(root: Type): Writer {
  const out = new CompiledSource('w', 't, v')
  /** A statement writing the value in variable `v` (a plain identifier). */
  const write = (type: Type, v: string): string => {
    const own = `${out.ref(type)}._write(t, ${v})`
    const kind = avscKind(type)
    if (kind === 'null') return `if (!(${primitiveCheck(kind, v)})) ${own}`
    const method = TAP_WRITE[kind]
    if (method !== undefined) return `if (${primitiveCheck(kind, v)}) t.${method}(${v}); else ${own}`
    if (kind === 'record') {
      const fields = recordFields(type)
      const name = out.fn(type, () =>
        fields
          .map((f, i) => {
            const x = `x${i}`
            const read = `const ${x} = v[${JSON.stringify(f.name)}]`
            const fallback = f.defaultValue()
            if (fallback === undefined) return `${read}\n${write(f.type, x)}`
            // avsc writes an omitted field's default from its bytes, computed once (as here).
            const bytes = f.type.toBuffer(fallback).toString('binary')
            return `${read}\nif (${x} === undefined) t.writeBinary(${out.ref(bytes)}, ${bytes.length})\nelse { ${write(f.type, x)} }`
          })
          .join('\n'),
      )
      return `${name}(t, ${v})`
    }
    if (kind === 'array') {
      const items = itemsType(type)
      const name = out.fn(
        type,
        () => `if (!Array.isArray(v)) ${out.ref(type)}._write(t, v)
const n = v.length
if (n) {
  t.writeLong(n)
  for (let i = 0; i < n; i++) { const x = v[i]; ${write(items, 'x')} }
}
t.writeLong(0)`,
      )
      return `${name}(t, ${v})`
    }
    if (kind === 'map') {
      const values = valuesType(type)
      const name = out.fn(
        type,
        () => `if (!v || typeof v !== 'object' || Array.isArray(v)) ${out.ref(type)}._write(t, v)
const keys = Object.keys(v)
const n = keys.length
if (n) {
  t.writeLong(n)
  for (let i = 0; i < n; i++) { const key = keys[i]; t.writeString(key); const x = v[key]; ${write(values, 'x')} }
}
t.writeLong(0)`,
      )
      return `${name}(t, ${v})`
    }
    if (kind === 'unwrapped-union') {
      const branches = unionBranches(type)
      const u = out.ref(type)
      const name = out.fn(
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
  return out.compile<Writer>(`function write(t, v) { ${top} }`)
}
