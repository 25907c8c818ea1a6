import type { Type } from 'avsc'
import {
  avscKind,
  CompiledSource,
  itemsType,
  primitiveCheck,
  recordFields,
  unionBranches,
  valuesType,
} from './compile'

/*
 * avsc's `isValid` compiled into one function per schema: one function per record, array, map and
 * unwrapped union, primitive checks in line, each the exact test avsc's type makes (records also as
 * avsc compiles them). avsc's own check dispatches every value through its type object, and the
 * array, map and union checks it shares between all schemas see every item type of the process at
 * one call site. Enums, fixed, bytes, logical types, bigint longs and wrapped unions are checked by
 * their avsc type. The generated descriptors' fast check is this; the property test holds it to zod.
 */

/** A function answering what `type.isValid(value)` answers (it may throw where avsc throws). */
export function compileChecker(root: Type): (value: unknown) => boolean {
  const out = new CompiledSource('k', 'v')
  /** A boolean expression: is the value in variable `v` (a plain identifier) valid. */
  const check = (type: Type, v: string): string => {
    const kind = avscKind(type)
    const inline = primitiveCheck(kind, v)
    if (inline !== undefined) return inline
    if (kind === 'record') {
      const fields = recordFields(type)
      const name = out.fn(
        type,
        () =>
          `if (v === null || typeof v !== 'object') return false\n${fields
            .map((f, i) => {
              const x = `x${i}`
              const test =
                f.defaultValue() === undefined
                  ? check(f.type, x)
                  : `${x} === undefined || ${check(f.type, x)}`
              return `const ${x} = v[${JSON.stringify(f.name)}]\nif (!(${test})) return false`
            })
            .join('\n')}\nreturn true`,
      )
      return `${name}(${v})`
    }
    if (kind === 'array') {
      const items = itemsType(type)
      const name = out.fn(
        type,
        () => `if (!Array.isArray(v)) return false
for (let i = 0; i < v.length; i++) { const x = v[i]; if (!(${check(items, 'x')})) return false }
return true`,
      )
      return `${name}(${v})`
    }
    if (kind === 'map') {
      const values = valuesType(type)
      const name = out.fn(
        type,
        () => `if (!v || typeof v !== 'object' || Array.isArray(v)) return false
const keys = Object.keys(v)
for (let i = 0; i < keys.length; i++) { const x = v[keys[i]]; if (!(${check(values, 'x')})) return false }
return true`,
      )
      return `${name}(${v})`
    }
    if (kind === 'unwrapped-union') {
      const branches = unionBranches(type)
      const name = out.fn(
        type,
        () => `switch (${out.ref(type)}._getIndex(v)) {
${branches.map((b, i) => `  case ${i}: return ${check(b, 'v')}`).join('\n')}
  default: return false
}`,
      )
      return `${name}(${v})`
    }
    return `${out.ref(type)}._check(${v}, 0)`
  }
  const top = check(root, 'v')
  return out.compile(`function isValid(v) { return ${top} }`)
}
