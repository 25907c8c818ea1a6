/**
 * Value checks shared by the avsc logical types and the zod schemas, so both sides accept exactly the
 * same values (the contract of generated code: `validator` accepts what `type.isValid` accepts).
 */

/** Any RFC 9562 layout (8-4-4-4-12 hex digits), any version or variant, either case. */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value)
}

/** avsc's own bound for `long` as a JS number (see avsc `isSafeLong`). */
export const MAX_SAFE_LONG = 9007199254740990

export const MIN_BIGINT_LONG = -(2n ** 63n)
export const MAX_BIGINT_LONG = 2n ** 63n - 1n

const DAY_MS = 86_400_000
const ISO_DATE = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})$/

/** `YYYY-MM-DD` (or `±YYYYYY-MM-DD` for far years) to days since 1970-01-01; undefined when not a real date. */
export function isoDateToDays(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const m = ISO_DATE.exec(value)
  if (!m) return undefined
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  if (m[1] === '-000000') return undefined
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  if (Number.isNaN(d.getTime())) return undefined
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined
  const days = Math.round(d.getTime() / DAY_MS)
  return days === (days | 0) ? days : undefined
}

/** Days since 1970-01-01 to `YYYY-MM-DD`; throws when outside what a JS Date can hold. */
export function daysToIsoDate(days: number): string {
  const d = new Date(days * DAY_MS)
  if (Number.isNaN(d.getTime())) throw new RangeError(`date out of range: ${days} days`)
  const year = d.getUTCFullYear()
  const y =
    year >= 0 && year <= 9999
      ? String(year).padStart(4, '0')
      : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

export interface DecimalParams {
  readonly precision: number
  readonly scale: number
  /** Byte size when the underlying type is fixed. */
  readonly size?: number | undefined
}

/**
 * A decimal string (`-123.45`) to its unscaled integer at `scale`, or undefined when it is not a
 * decimal, has more fraction digits than `scale`, more digits than `precision`, or does not fit `size` bytes.
 */
export function decimalToUnscaled(value: unknown, params: DecimalParams): bigint | undefined {
  if (typeof value !== 'string') return undefined
  const m = DECIMAL.exec(value)
  if (!m) return undefined
  const fraction = m[3] ?? ''
  if (fraction.length > params.scale) return undefined
  const digits = `${m[2]}${fraction.padEnd(params.scale, '0')}`.replace(/^0+(?=\d)/, '')
  if (digits !== '0' && digits.length > params.precision) return undefined
  const unscaled = BigInt(digits) * (m[1] === '-' ? -1n : 1n)
  if (params.size !== undefined) {
    const limit = 1n << BigInt(params.size * 8 - 1)
    if (unscaled < -limit || unscaled >= limit) return undefined
  }
  return unscaled
}

/**
 * Why a decimal text does not fit the schema (what was wrong and how to fix it), or undefined when it
 * fits. `round` names the fix for a value with too many fraction digits in the caller's terms.
 */
export function decimalIssue(
  text: string,
  params: DecimalParams,
  round = `round it to ${params.scale} decimal places first`,
): string | undefined {
  const { precision, scale, size } = params
  const m = DECIMAL.exec(text)
  if (!m)
    return `${JSON.stringify(text)} is not a decimal number: write digits with an optional - and . (e.g. "-12.50")`
  const fraction = m[3] ?? ''
  if (fraction.length > scale) {
    return `${text} has ${fraction.length} digits after the point, the schema's scale allows ${scale}: ${round}`
  }
  if (decimalToUnscaled(text, params) !== undefined) return undefined
  const largest = `${'9'.repeat(precision - scale) || '0'}${scale > 0 ? `.${'9'.repeat(scale)}` : ''}`
  return (
    `${text} is too large for precision ${precision}, scale ${scale}` +
    `${size === undefined ? '' : ` in ${size} bytes`} (at most ${precision - scale} digits before the point, ` +
    `largest ${largest}): check the value, or widen the schema's precision in a new schema version`
  )
}

/** Unscaled integer to its canonical decimal string with exactly `scale` fraction digits. */
export function unscaledToDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0')
  const int = digits.slice(0, digits.length - scale)
  const fraction = digits.slice(digits.length - scale)
  return `${negative ? '-' : ''}${int}${scale > 0 ? `.${fraction}` : ''}`
}

/** Big-endian two's complement, minimal length (bytes) or exactly `size` bytes (fixed). */
export function unscaledToBytes(unscaled: bigint, size?: number): Buffer {
  let n = 1
  while (unscaled < -(1n << BigInt(8 * n - 1)) || unscaled >= 1n << BigInt(8 * n - 1)) n++
  const length = size ?? n
  const modulus = 1n << BigInt(8 * length)
  const hex = (((unscaled % modulus) + modulus) % modulus).toString(16).padStart(2 * length, '0')
  return Buffer.from(hex, 'hex')
}

export function bytesToUnscaled(buf: Buffer): bigint {
  if (buf.length === 0) return 0n
  const value = BigInt(`0x${buf.toString('hex')}`)
  return (buf[0]! & 0x80) !== 0 ? value - (1n << BigInt(buf.length * 8)) : value
}

/**
 * What Kafkit needs of a decimal library's class (big.js's `Big`): built from a decimal string, and
 * `toFixed()` without arguments gives the exact value in plain notation. Structural, so @kafkit/common
 * does not depend on the library: generated code passes the class it imported.
 */
export interface DecimalClass<T extends DecimalInstance = DecimalInstance> {
  new (value: string): T
}

export interface DecimalInstance {
  toFixed(): string
}

/**
 * The exact text of a decimal-class value, or undefined when `value` is not one (or a broken one
 * whose toFixed throws): the avsc type and the zod schema read values through this same door.
 */
export function decimalText(value: unknown, decimalClass: DecimalClass): string | undefined {
  if (!(value instanceof decimalClass)) return undefined
  try {
    const text = value.toFixed()
    return typeof text === 'string' ? text : undefined
  } catch {
    return undefined
  }
}

/** Largest precision a fixed of `size` bytes can hold (Avro spec). */
export function maxDecimalPrecision(size: number): number {
  return Math.floor(Math.log10(2) * (8 * size - 1))
}
