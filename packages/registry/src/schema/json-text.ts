import { JsonNumber, type JsonValue } from '@kafkit/common/avro-schema'

/*
 * JSON as Jackson writes it, for Confluent's canonical form (the reader is @kafkit/common/avro-schema's).
 */

/** JSON string as Jackson writes it: only '"', '\\' and control characters escaped (upper-case hex). */
export function jsonString(s: string): string {
  let out = '"'
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c < 0x20) {
      const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' }
      out += short[c] ?? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`
    } else out += s[k]
  }
  return `${out}"`
}

/** Java's Double.toString (shortest digits, JDK 19+): 1.0, 0.001, 1.0E7, 1.0E-4. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN'
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity'
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
  const a = Math.abs(d)
  if (a >= 1e-3 && a < 1e7) {
    const s = a.toString()
    const plain = s.includes('e') ? a.toFixed(20).replace(/0+$/, '') : s
    const withPoint = plain.includes('.') ? plain : `${plain}.0`
    return (d < 0 ? '-' : '') + (withPoint.endsWith('.') ? `${withPoint}0` : withPoint)
  }
  const [mant, exp] = a.toExponential().split('e') as [string, string]
  const m = mant.includes('.') ? mant : `${mant}.0`
  return `${d < 0 ? '-' : ''}${m}E${Number(exp)}`
}

/** Java's Float.toString for a float value: the shortest decimal that rounds to the same float. */
export function javaFloat(d: number): string {
  const f = Math.fround(d)
  if (!Number.isFinite(f) || f === 0) return javaDouble(f)
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p))
    if (Math.fround(candidate) === f) return javaDouble(candidate)
  }
  return javaDouble(f)
}

/** A number as Jackson re-writes a parsed number node: integers exactly, floating ones via Double.toString. */
export function jacksonNumber(n: JsonNumber): string {
  if (n.integral) return BigInt(n.raw).toString()
  // 1e400 reads as Infinity; Jackson writes non-finite numbers as strings ("Infinity"), keeping JSON valid.
  return Number.isFinite(n.value) ? javaDouble(n.value) : jsonString(javaDouble(n.value))
}

/** Compact JSON, Jackson style, keys in insertion order. */
export function writeJson(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'string') return jsonString(v)
  if (v instanceof JsonNumber) return jacksonNumber(v)
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`
  const parts: string[] = []
  for (const [k, x] of v) parts.push(`${jsonString(k)}:${writeJson(x)}`)
  return `{${parts.join(',')}}`
}
