import { javaDouble } from './java-numbers'
import { isJsonObject, JsonNumber, type JsonValue } from './json-text'
import type { AvroNode } from './tree'

const INT_MIN = -(2n ** 31n)
const INT_MAX = 2n ** 31n - 1n
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/** Java's Double.valueOf accepts these strings as a float/double default; Avro converts them to numbers. */
const FLOAT_TEXT = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/

export function describeValue(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (v instanceof JsonNumber) return v.raw
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v)
  if (typeof v === 'boolean') return String(v)
  return Array.isArray(v) ? 'an array' : 'an object'
}

function typeLabel(node: AvroNode): string {
  switch (node.kind) {
    case 'primitive':
      return node.type
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.kind} ${node.name.full}`
    case 'union':
      return `union [${node.branches.map(typeLabel).join(', ')}]`
    default:
      return node.kind
  }
}

/**
 * Why `value` is not a valid default for `node` (undefined when it is). Follows Avro's Schema.isValidDefault
 * (a union default must match the FIRST branch; a record default may omit fields that have their own default),
 * and is stricter where Java only checks "is a string": enum symbols and fixed sizes are checked too.
 */
export function defaultProblem(node: AvroNode, value: JsonValue | undefined, where = ''): string | undefined {
  const bad = (expected: string) =>
    `${where ? `${where}: ` : ''}${describeValue(value)} is not a valid ${expected} (type ${typeLabel(node)})`
  if (value === undefined)
    return `${where ? `${where}: ` : ''}missing value and no default (type ${typeLabel(node)})`
  switch (node.kind) {
    case 'primitive':
      switch (node.type) {
        case 'null':
          return value === null ? undefined : bad('null')
        case 'boolean':
          return typeof value === 'boolean' ? undefined : bad('boolean')
        case 'int':
        case 'long': {
          if (!(value instanceof JsonNumber) || !value.integral)
            return bad(`${node.type} (an integer literal)`)
          const n = BigInt(value.raw)
          const [lo, hi] = node.type === 'int' ? [INT_MIN, INT_MAX] : [LONG_MIN, LONG_MAX]
          return n >= lo && n <= hi ? undefined : bad(`${node.type} (out of range)`)
        }
        case 'float':
        case 'double':
          return value instanceof JsonNumber || (typeof value === 'string' && FLOAT_TEXT.test(value))
            ? undefined
            : bad(node.type)
        case 'bytes':
        case 'string':
          return typeof value === 'string' ? undefined : bad(`${node.type} (a JSON string)`)
      }
      return undefined
    case 'enum':
      if (typeof value !== 'string') return bad('enum symbol')
      return node.symbols.includes(value)
        ? undefined
        : bad(`symbol of ${node.name.full} [${node.symbols.join(', ')}]`)
    case 'fixed':
      if (typeof value !== 'string') return bad('fixed (a JSON string)')
      return value.length === node.size ? undefined : bad(`fixed of ${node.size} bytes (got ${value.length})`)
    case 'array': {
      if (!Array.isArray(value)) return bad('array')
      for (let k = 0; k < value.length; k++) {
        const p = defaultProblem(node.items, value[k], `${where}[${k}]`)
        if (p) return p
      }
      return undefined
    }
    case 'map': {
      if (!isJsonObject(value)) return bad('map (a JSON object)')
      for (const [k, v] of value) {
        const p = defaultProblem(node.values, v, `${where}[${JSON.stringify(k)}]`)
        if (p) return p
      }
      return undefined
    }
    case 'union': {
      const first = node.branches[0]!
      const p = defaultProblem(first, value, where)
      return p === undefined
        ? undefined
        : `${p}; a union default must match the union's FIRST branch (${typeLabel(first)}): put the matching type first`
    }
    case 'record': {
      if (!isJsonObject(value)) return bad('record (a JSON object)')
      for (const f of node.fields) {
        const v = value.has(f.name) ? value.get(f.name) : f.default
        const p = defaultProblem(f.type, v, `${where}.${f.name}`)
        if (p) return p
      }
      return undefined
    }
  }
}

/** A float/double default written as text ("1.5", "NaN") becomes what Avro turns it into. */
export function coerceFloatText(node: AvroNode, value: JsonValue): JsonValue {
  if (
    node.kind === 'primitive' &&
    (node.type === 'float' || node.type === 'double') &&
    typeof value === 'string' &&
    FLOAT_TEXT.test(value)
  ) {
    if (/NaN|Infinity/.test(value)) return value
    return new JsonNumber(javaDouble(Number(value)))
  }
  return value
}
