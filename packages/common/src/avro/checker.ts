import avro from 'avsc'

/*
 * avsc's `isValid` compiled into one function per schema: one function per record, array, map and
 * unwrapped union, primitive checks in line, each the exact test avsc's type makes (records also as
 * avsc compiles them). avsc's own check dispatches every value through its type object, and the
 * array, map and union checks it shares between all schemas see every item type of the process at
 * one call site. Enums, fixed, bytes, logical types, bigint longs and wrapped unions are checked by
 * their avsc type. The generated descriptors' fast check is this; the property test holds it to zod.
 */

type Type = avro.Type

const { types } = avro

function isA(type: Type, ctor: unknown): boolean {
  return Object.getPrototypeOf(type) === (ctor as { prototype: unknown }).prototype
}

interface Field {
  readonly name: string
  readonly type: Type
  defaultValue(): unknown
}

/** A function answering what `type.isValid(value)` answers (it may throw where avsc throws). */
export function compileChecker(root: Type): (value: unknown) => boolean {
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
      name = `k${names.size}`
      names.set(type, name)
      functions.push(`function ${name}(v) {\n${body()}\n}`)
    }
    return name
  }
  /** A boolean expression: is the value in variable `v` (a plain identifier) valid. */
  const check = (type: Type, v: string): string => {
    if (isA(type, types.NullType)) return `${v} === null`
    if (isA(type, types.BooleanType)) return `typeof ${v} === 'boolean'`
    if (isA(type, types.IntType)) return `${v} === (${v} | 0)`
    if (isA(type, types.LongType))
      return `(typeof ${v} === 'number' && ${v} % 1 === 0 && ${v} >= -9007199254740990 && ${v} <= 9007199254740990)`
    if (isA(type, types.FloatType) || isA(type, types.DoubleType)) return `typeof ${v} === 'number'`
    if (isA(type, types.StringType)) return `typeof ${v} === 'string'`
    if (isA(type, types.RecordType)) {
      const fields = (type as unknown as { fields: readonly Field[] }).fields
      const name = fn(
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
    if (isA(type, types.ArrayType)) {
      const items = (type as unknown as { itemsType: Type }).itemsType
      const name = fn(
        type,
        () => `if (!Array.isArray(v)) return false
for (let i = 0; i < v.length; i++) { const x = v[i]; if (!(${check(items, 'x')})) return false }
return true`,
      )
      return `${name}(${v})`
    }
    if (isA(type, types.MapType)) {
      const valuesType = (type as unknown as { valuesType: Type }).valuesType
      const name = fn(
        type,
        () => `if (!v || typeof v !== 'object' || Array.isArray(v)) return false
const keys = Object.keys(v)
for (let i = 0; i < keys.length; i++) { const x = v[keys[i]]; if (!(${check(valuesType, 'x')})) return false }
return true`,
      )
      return `${name}(${v})`
    }
    if (isA(type, types.UnwrappedUnionType)) {
      const branches = (type as unknown as { types: readonly Type[] }).types
      const name = fn(
        type,
        () => `switch (${ref(type)}._getIndex(v)) {
${branches.map((b, i) => `  case ${i}: return ${check(b, 'v')}`).join('\n')}
  default: return false
}`,
      )
      return `${name}(${v})`
    }
    return `${ref(type)}._check(${v}, 0)`
  }
  const top = check(root, 'v')
  const source = `${functions.join('\n')}\nreturn function isValid(v) { return ${top} }`
  // Compiled once per schema from avsc's own types (no user text reaches the source), as avsc does.
  return new Function(...values.map((_, i) => `c${i}`), source)(...values) as (value: unknown) => boolean
}
