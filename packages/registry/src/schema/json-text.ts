import { JsonNumber, type JsonValue, javaDouble } from '@kafkit/common/avro-schema'

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
