import { randomUUID } from 'node:crypto'
import avro from 'avsc'
import {
  bytesToUnscaled,
  type DecimalClass,
  type DecimalParams,
  daysToIsoDate,
  decimalText,
  decimalToUnscaled,
  isoDateToDays,
  isUuid,
  MAX_SAFE_LONG,
  maxDecimalPrecision,
  unscaledToBytes,
  unscaledToDecimal,
} from './values'

/*
 * Logical types Kafkit maps to richer JS values. A constructor that throws makes avsc fall back to the
 * underlying type, as the Avro spec asks for invalid logical types; codegen reads the same avsc types,
 * so the TypeScript it emits degrades the same way. `_toValue` returning undefined marks a value invalid.
 */

type Schema = { type: unknown; logicalType?: string; precision?: unknown; scale?: unknown; size?: unknown }
type LogicalTypeClass = new (schema: avro.Schema, opts?: unknown) => avro.types.LogicalType

// avsc's LogicalType typings omit the protected members we override; this base restores them.
const Base = avro.types.LogicalType as unknown as new (
  schema: unknown,
  opts?: unknown,
) => {
  readonly underlyingType: avro.Type
}

function underlyingName(self: { underlyingType: avro.Type }): string | undefined {
  return self.underlyingType.typeName
}

function requireUnderlying(self: { underlyingType: avro.Type }, ...names: string[]): void {
  const name = underlyingName(self)
  if (name === undefined || !names.includes(name)) {
    throw new Error(`logical type needs underlying ${names.join(' or ')}, got ${name}`)
  }
}

/**
 * avsc calls `_resolve`'s reader with what the writer type reads: from a writer of the same logical
 * type that is already the logical value (a Date, a decimal string or Big), so it goes back to the
 * underlying value first; from a plain underlying writer (`long`, `int`) it is that value.
 */
function readFrom<T>(writer: avro.Type, fromValue: (v: never) => T): (v: unknown) => T {
  if (avro.Type.isType(writer, 'logical')) {
    const logical = writer as unknown as { _toValue(v: unknown): unknown }
    return (v) => fromValue(logical._toValue(v) as never)
  }
  return (v) => fromValue(v as never)
}

// The underlying long of a logical type is always avsc's own (number) LongType: avsc builds it
// without consulting the registry, so timestamps stay number-based in bigint mode too.
function makeTimestamp(unitsPerMs: 1 | 1000): LogicalTypeClass {
  const logical = unitsPerMs === 1 ? 'logical:timestamp-millis' : 'logical:timestamp-micros'
  class TimestampType extends Base {
    constructor(schema: unknown, opts?: unknown) {
      super(schema, opts)
      requireUnderlying(this, 'long')
    }
    _fromValue(value: number): Date {
      return new Date(Math.floor(value / unitsPerMs))
    }
    _toValue(date: unknown): number | undefined {
      if (!(date instanceof Date)) return undefined
      const ms = date.getTime()
      if (Number.isNaN(ms)) return undefined
      const units = ms * unitsPerMs
      return Math.abs(units) <= MAX_SAFE_LONG ? units : undefined
    }
    _resolve(type: avro.Type): ((v: unknown) => Date) | undefined {
      if (avro.Type.isType(type, 'long', logical)) return readFrom(type, (v: number) => this._fromValue(v))
      return undefined
    }
    random(): Date {
      return new Date(Math.floor(Math.random() * 4_102_444_800_000))
    }
  }
  return TimestampType as unknown as LogicalTypeClass
}

class DateType extends Base {
  constructor(schema: unknown, opts?: unknown) {
    super(schema, opts)
    requireUnderlying(this, 'int')
  }
  _fromValue(days: number): string {
    return daysToIsoDate(days)
  }
  _toValue(value: unknown): number | undefined {
    return isoDateToDays(value)
  }
  _resolve(type: avro.Type): ((v: unknown) => string) | undefined {
    if (avro.Type.isType(type, 'int', 'logical:date'))
      return readFrom(type, (v: number) => this._fromValue(v))
    return undefined
  }
  random(): string {
    return daysToIsoDate(Math.floor(Math.random() * 60_000) - 10_000)
  }
}

class UuidType extends Base {
  constructor(schema: unknown, opts?: unknown) {
    super(schema, opts)
    requireUnderlying(this, 'string')
  }
  _fromValue(value: string): string {
    return value
  }
  _toValue(value: unknown): string | undefined {
    return isUuid(value) ? value : undefined
  }
  _resolve(type: avro.Type): ((v: string) => string) | undefined {
    if (avro.Type.isType(type, 'string', 'logical:uuid')) return (v) => v
    return undefined
  }
  random(): string {
    return randomUUID()
  }
}

/** Precision/scale/size of a decimal schema, or undefined when the spec calls it invalid. */
export function decimalParams(schema: Schema, underlying: avro.Type): DecimalParams | undefined {
  const { precision, scale = 0 } = schema
  if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) return undefined
  if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision)
    return undefined
  if (underlying.typeName === 'fixed') {
    const size = (underlying as unknown as { size: number }).size
    if (precision > maxDecimalPrecision(size)) return undefined
    return { precision, scale, size }
  }
  if (underlying.typeName === 'bytes') return { precision, scale }
  return undefined
}

/**
 * Avro decimal as a decimal string (default) or, given a decimal class (big.js's `Big`), as its
 * instances. Either way the value is exact: too many fraction digits or digits is invalid, never rounded.
 */
function makeDecimalType(decimalClass?: DecimalClass): LogicalTypeClass {
  const toText = (value: unknown): string | undefined => {
    if (decimalClass === undefined) return typeof value === 'string' ? value : undefined
    return decimalText(value, decimalClass)
  }
  const fromText = (text: string): unknown => (decimalClass === undefined ? text : new decimalClass(text))
  class DecimalType extends Base {
    readonly params: DecimalParams
    constructor(schema: unknown, opts?: unknown) {
      super(schema, opts)
      const params = decimalParams(schema as Schema, this.underlyingType)
      if (!params) throw new Error('invalid decimal')
      this.params = params
    }
    _fromValue(buf: Buffer): unknown {
      return fromText(unscaledToDecimal(bytesToUnscaled(buf), this.params.scale))
    }
    _toValue(value: unknown): Buffer | undefined {
      const text = toText(value)
      const unscaled = text === undefined ? undefined : decimalToUnscaled(text, this.params)
      return unscaled === undefined ? undefined : unscaledToBytes(unscaled, this.params.size)
    }
    _resolve(type: avro.Type): ((v: unknown) => unknown) | undefined {
      if (avro.Type.isType(type, 'logical:decimal')) {
        const other = (type as unknown as DecimalType).params
        if (other.scale === this.params.scale && other.precision === this.params.precision) {
          return readFrom(type, (v: Buffer) => this._fromValue(v))
        }
      }
      return undefined
    }
    _export(attrs: Record<string, unknown>): void {
      attrs.precision = this.params.precision
      attrs.scale = this.params.scale
    }
    random(): unknown {
      const digits = Array.from({ length: this.params.precision }, () => Math.floor(Math.random() * 10)).join(
        '',
      )
      const unscaled = BigInt(digits) * (Math.random() < 0.5 ? -1n : 1n)
      return fromText(unscaledToDecimal(unscaled, this.params.scale))
    }
  }
  return DecimalType as unknown as LogicalTypeClass
}

/** The logical types Kafkit maps, by Avro name. Anything else stays its underlying type. */
export const kafkitLogicalTypes: Readonly<Record<string, LogicalTypeClass>> = Object.freeze({
  'timestamp-millis': makeTimestamp(1),
  'timestamp-micros': makeTimestamp(1000),
  date: DateType as unknown as LogicalTypeClass,
  uuid: UuidType as unknown as LogicalTypeClass,
  decimal: makeDecimalType(),
})

const withDecimalClass = new WeakMap<DecimalClass, Readonly<Record<string, LogicalTypeClass>>>()

/** Kafkit's logical types, with decimals as instances of `decimalClass` when one is given (kept per class). */
export function logicalTypesFor(decimalClass?: DecimalClass): Readonly<Record<string, LogicalTypeClass>> {
  if (decimalClass === undefined) return kafkitLogicalTypes
  let types = withDecimalClass.get(decimalClass)
  if (!types) {
    types = Object.freeze({ ...kafkitLogicalTypes, decimal: makeDecimalType(decimalClass) })
    withDecimalClass.set(decimalClass, types)
  }
  return types
}
