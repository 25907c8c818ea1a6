import { bigintLongType, daysToIsoDate, isoDateToDays } from '@kafkit/common'
import {
  AVRO_PRIMITIVES,
  type AvroNode,
  bytesToUnscaled,
  decimalToUnscaled,
  JsonNumber,
  parseJsonText,
  parseNode,
  unscaledToBytes,
  unscaledToDecimal,
} from '@kafkit/common/avro-schema'
import avro from 'avsc'
import { ClientError } from '../errors'

/**
 * The documented JSON form of Avro values, used by the console producer and consumer (see
 * docs/client.md): unions unwrapped, bytes and fixed as base64, long as a number (a string beyond
 * 2^53), logical types readable (ISO dates and timestamps, decimal strings). Works from the writer
 * schema alone, so it reads any Confluent-framed Avro, not only what Kafkit wrote.
 */

/** A schema as JSON (what avsc builds its type from). */
type Schema = string | SchemaObject | Schema[]
interface SchemaObject {
  type: Schema
}

/** A path-carrying error for one value; the console producer reports it with the line number. */
export class JsonFormError extends ClientError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('KAFKIT_CLIENT_JSON_FORM_INVALID', `${path === '' ? '(root)' : path}: ${message}`, {
      details: { path },
    })
  }
}

/** A writer schema ready for generic decoding/encoding: avsc type (wrapped unions, bigint longs) plus its parsed tree. */
export interface GenericAvroSchema {
  readonly schema: Schema
  readonly type: avro.Type
  /** The schema as the Avro core parses it (@kafkit/common/avro-schema): what the JSON form walks. */
  readonly tree: AvroNode
}

/** Throws KAFKIT_CLIENT_SCHEMA_INVALID, naming the place, when `schema` is not valid Avro. */
export function genericAvroSchema(schema: unknown): GenericAvroSchema {
  const invalid = (message: string, cause?: unknown) =>
    new ClientError('KAFKIT_CLIENT_SCHEMA_INVALID', `invalid Avro schema: ${message}`, { cause })
  let s: Schema
  let type: avro.Type
  try {
    s = (typeof schema === 'string' && !AVRO_PRIMITIVES.has(schema) ? JSON.parse(schema) : schema) as Schema
    type = avro.Type.forSchema(
      s as avro.Schema,
      {
        wrapUnions: true,
        registry: {},
        typeHook: (t: unknown) =>
          t === 'long' || (typeof t === 'object' && t !== null && (t as SchemaObject).type === 'long')
            ? bigintLongType
            : undefined,
      } as Partial<avro.ForSchemaOptions>,
    )
  } catch (error) {
    throw invalid((error as Error).message, error)
  }
  // Java's rules on top of avsc's: the tree the JSON form walks (the place is a JSON Pointer).
  const tree = parseNode(
    {
      names: new Map(),
      defined: [],
      external: false,
      where: '',
      error: (message, details) => invalid(`${details.path || '/'}: ${message}`),
    },
    parseJsonText(JSON.stringify(s)),
    undefined,
    '',
  )
  return { schema: s, type, tree }
}

/** What avsc keys a wrapped union branch by: the full name of a named type, else the type's name. */
function branchOf(node: AvroNode): string {
  switch (node.kind) {
    case 'record':
    case 'enum':
    case 'fixed':
      return node.name.full
    case 'primitive':
      return node.type
    default:
      return node.kind
  }
}

function logicalTypeOf(node: AvroNode): string | undefined {
  const lt = 'props' in node ? node.props.get('logicalType') : undefined
  return typeof lt === 'string' ? lt : undefined
}

function scaleOf(node: AvroNode): number {
  const scale = 'props' in node ? node.props.get('scale') : undefined
  return scale instanceof JsonNumber ? scale.value : 0
}

const TWO_53 = 2n ** 53n

function longToJson(v: bigint): number | string {
  return v > -TWO_53 && v < TWO_53 ? Number(v) : v.toString()
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

function timeOfDay(totalMicros: bigint, digits: 3 | 6): string {
  const micros = Number(totalMicros % 1_000_000n)
  const secs = Number(totalMicros / 1_000_000n)
  const frac = digits === 3 ? pad(Math.floor(micros / 1000), 3) : pad(micros, 6)
  return `${pad(Math.floor(secs / 3600), 2)}:${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}.${frac}`
}

function isoFromMicros(micros: bigint, local: boolean, digits: 3 | 6): string {
  const ms = micros / 1000n
  const rest = ((micros % 1000n) + 1000n) % 1000n
  const floorMs = micros < 0n && rest !== 0n ? ms - 1n : ms
  const iso = new Date(Number(floorMs)).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const base = digits === 6 ? `${iso.slice(0, -1)}${pad(Number(rest), 3)}Z` : iso
  return local ? base.slice(0, -1) : base
}

/** Avro value (as decoded by `genericAvroSchema(...).type`) to its JSON form. */
export function avroToJson(g: GenericAvroSchema, value: unknown): unknown {
  return toJson(g.tree, value)
}

function toJson(node: AvroNode, value: unknown): unknown {
  const lt = logicalTypeOf(node)
  switch (node.kind) {
    case 'union': {
      if (value === null) return null
      const [key, inner] = Object.entries(value as Record<string, unknown>)[0]!
      const branch = node.branches.find((b) => branchOf(b) === key)
      return branch === undefined ? inner : toJson(branch, inner)
    }
    case 'primitive':
      switch (node.type) {
        case 'int':
          if (lt === 'date') return daysToIsoDate(value as number)
          if (lt === 'time-millis') return timeOfDay(BigInt(value as number) * 1000n, 3)
          return value
        case 'long': {
          const v = value as bigint
          if (lt === 'timestamp-millis' || lt === 'local-timestamp-millis') {
            return isoFromMicros(v * 1000n, lt.startsWith('local'), 3)
          }
          if (lt === 'timestamp-micros' || lt === 'local-timestamp-micros')
            return isoFromMicros(v, lt.startsWith('local'), 6)
          if (lt === 'time-micros') return timeOfDay(v, 6)
          return longToJson(v)
        }
        case 'float':
        case 'double':
          return Number.isFinite(value as number) ? value : String(value)
        case 'bytes':
          return bytesToJson(value as Buffer, lt, node)
        default:
          return value
      }
    case 'fixed':
      return bytesToJson(value as Buffer, lt, node)
    case 'enum':
      return value
    case 'array':
      return (value as unknown[]).map((v) => toJson(node.items, v))
    case 'map': {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toJson(node.values, v)
      return out
    }
    case 'record': {
      const out: Record<string, unknown> = {}
      const rec = value as Record<string, unknown>
      for (const f of node.fields) out[f.name] = toJson(f.type, rec[f.name])
      return out
    }
  }
}

function bytesToJson(value: Buffer, lt: string | undefined, node: AvroNode): string {
  if (lt === 'decimal') return unscaledToDecimal(bytesToUnscaled(value), scaleOf(node))
  return value.toString('base64')
}

/** JSON form to an Avro value `genericAvroSchema(...).type` can encode; throws JsonFormError naming the path. */
export function jsonToAvro(g: GenericAvroSchema, json: unknown): unknown {
  return fromJson(g.tree, json, '')
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v === 'string'
    ? `"${v.length > 30 ? `${v.slice(0, 30)}...` : v}"`
    : typeof v === 'object'
      ? 'an object'
      : String(v)
}

const INT_MIN = -(2 ** 31)
const INT_MAX = 2 ** 31 - 1
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

function toLong(v: unknown, path: string): bigint {
  if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) {
    const n = BigInt(v)
    if (n >= LONG_MIN && n <= LONG_MAX) return n
  }
  throw new JsonFormError(path, `expected a long (integer number or integer string), got ${describe(v)}`)
}

function parseIsoMicros(v: string, local: boolean): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/.exec(v)
  if (!m) return undefined
  const zone = m[3] ?? (local ? 'Z' : undefined)
  if (zone === undefined) return undefined
  const ms = Date.parse(`${m[1]}${zone}`)
  if (Number.isNaN(ms)) return undefined
  const frac = (m[2] ?? '').padEnd(6, '0')
  return BigInt(ms) * 1000n + BigInt(frac)
}

function parseTimeMicros(v: string): bigint | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(v)
  if (!m) return undefined
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (h > 23 || mi > 59 || s > 59) return undefined
  return BigInt((h * 3600 + mi * 60 + s) * 1_000_000) + BigInt((m[4] ?? '').padEnd(6, '0'))
}

function decimalBytes(v: unknown, scale: number, size: number | undefined, path: string): Buffer {
  const text = typeof v === 'number' ? String(v) : v
  // The JSON form does not hold values to the schema's precision (what the bytes can hold is the limit).
  const unscaled = decimalToUnscaled(text, { precision: Number.POSITIVE_INFINITY, scale })
  if (unscaled === undefined) {
    throw new JsonFormError(
      path,
      `expected a decimal with at most ${scale} fraction digits, got ${describe(v)}`,
    )
  }
  const minimal = unscaledToBytes(unscaled)
  if (size === undefined) return minimal
  if (minimal.length > size) throw new JsonFormError(path, `decimal ${text} does not fit in ${size} bytes`)
  return unscaledToBytes(unscaled, size)
}

function fromJson(node: AvroNode, v: unknown, path: string): unknown {
  if (node.kind === 'union') {
    // Avro's own JSON encoding of a union, { "branch": value }, picks the branch explicitly.
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1) {
      const [key, inner] = Object.entries(v)[0]!
      for (const b of node.branches) {
        if (branchOf(b) === key && !(b.kind === 'primitive' && b.type === 'null')) {
          try {
            return { [key]: fromJson(b, inner, join(path, key)) }
          } catch {
            break // not a wrapped value after all: try it unwrapped below
          }
        }
      }
    }
    // Unwrapped: the first branch that accepts the value wins.
    const errors: string[] = []
    for (const b of node.branches) {
      if (b.kind === 'primitive' && b.type === 'null') {
        if (v === null || v === undefined) return null
        continue
      }
      try {
        return { [branchOf(b)]: fromJson(b, v, path) }
      } catch (error) {
        errors.push(`${branchOf(b)}: ${(error as JsonFormError).message}`)
      }
    }
    throw new JsonFormError(
      path,
      `matches no branch of the union (${errors.join('; ') || 'only null allowed'})`,
    )
  }
  const lt = logicalTypeOf(node)
  const fail = (what: string): never => {
    throw new JsonFormError(path, `expected ${what}, got ${describe(v)}`)
  }
  switch (node.kind) {
    case 'primitive':
      switch (node.type) {
        case 'null':
          return v === null ? null : fail('null')
        case 'boolean':
          return typeof v === 'boolean' ? v : fail('a boolean')
        case 'string':
          return typeof v === 'string' ? v : fail('a string')
        case 'int': {
          if (lt === 'date' && typeof v === 'string') return isoDateToDays(v) ?? fail('a date YYYY-MM-DD')
          if (lt === 'time-millis' && typeof v === 'string') {
            const micros = parseTimeMicros(v)
            return micros === undefined ? fail('a time HH:MM:SS.mmm') : Number(micros / 1000n)
          }
          return typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX
            ? v
            : fail('an int')
        }
        case 'long': {
          if (typeof v === 'string' && lt !== undefined && !/^-?\d+$/.test(v)) {
            if (lt === 'timestamp-millis' || lt === 'local-timestamp-millis') {
              const micros = parseIsoMicros(v, lt.startsWith('local'))
              return micros === undefined ? fail('an ISO-8601 timestamp') : micros / 1000n
            }
            if (lt === 'timestamp-micros' || lt === 'local-timestamp-micros') {
              return parseIsoMicros(v, lt.startsWith('local')) ?? fail('an ISO-8601 timestamp')
            }
            if (lt === 'time-micros') return parseTimeMicros(v) ?? fail('a time HH:MM:SS.uuuuuu')
          }
          return toLong(v, path)
        }
        case 'float':
        case 'double':
          if (typeof v === 'number') return v
          if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v)
          return fail('a number')
        case 'bytes':
          return bytesFromJson(v, lt, scaleOf(node), undefined, path, fail)
      }
      break
    case 'fixed':
      return bytesFromJson(v, lt, scaleOf(node), node.size, path, fail)
    case 'enum':
      return typeof v === 'string' && node.symbols.includes(v) ? v : fail(`one of ${node.symbols.join(', ')}`)
    case 'array':
      if (!Array.isArray(v)) return fail('an array')
      return v.map((item, i) => fromJson(node.items, item, join(path, i)))
    case 'map': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail('an object (map)')
      const out: Record<string, unknown> = {}
      for (const [k, item] of Object.entries(v)) out[k] = fromJson(node.values, item, join(path, k))
      return out
    }
    case 'record': {
      const name = node.name.full
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(`an object (record ${name})`)
      const obj = v as Record<string, unknown>
      const known = new Set(node.fields.map((f) => f.name))
      const unknown = Object.keys(obj).filter((k) => !known.has(k))
      if (unknown.length > 0) throw new JsonFormError(join(path, unknown[0]!), `no such field in ${name}`)
      const out: Record<string, unknown> = {}
      for (const f of node.fields) {
        if (obj[f.name] === undefined) {
          // Left undefined, avsc writes the field's default; without one the field is required.
          if (f.default === undefined)
            throw new JsonFormError(join(path, f.name), 'required field is missing')
          continue
        }
        out[f.name] = fromJson(f.type, obj[f.name], join(path, f.name))
      }
      return out
    }
  }
  return fail(`a value of type ${branchOf(node)}`)
}

/** bytes or fixed: a decimal's text, else base64 (a fixed of exactly `size` bytes). */
function bytesFromJson(
  v: unknown,
  lt: string | undefined,
  scale: number,
  size: number | undefined,
  path: string,
  fail: (what: string) => never,
): Buffer {
  if (lt === 'decimal') return decimalBytes(v, scale, size, path)
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return fail('base64 text')
  const buf = Buffer.from(v, 'base64')
  if (size !== undefined && buf.length !== size) {
    throw new JsonFormError(path, `expected ${size} bytes (base64), got ${buf.length}`)
  }
  return buf
}
