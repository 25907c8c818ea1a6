/**
 * A small JSON reader and writer that keeps what JSON.parse loses and Confluent keeps: key order (Map, so
 * integer-like keys are not hoisted), the exact text of numbers (a long default above 2^53 stays exact), and
 * where a syntax error is. Comments are accepted like Avro's Jackson parser (ALLOW_COMMENTS) does.
 */

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(readonly raw: string) {}
  /** True when written without fraction or exponent (Jackson reads it as an integer node). */
  get integral(): boolean {
    return !/[.eE]/.test(this.raw)
  }
  get value(): number {
    return Number(this.raw)
  }
}

export type JsonObject = Map<string, JsonValue>
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
  }
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map
}

/** Parses JSON text (with optional comments); throws JsonSyntaxError with line and column. */
export function parseJsonText(text: string): JsonValue {
  let i = 0
  const fail = (problem: string): never => {
    const what = i >= text.length ? 'unexpected end of input' : problem
    let line = 1
    let col = 1
    for (let k = 0; k < i && k < text.length; k++) {
      if (text[k] === '\n') {
        line++
        col = 1
      } else col++
    }
    throw new JsonSyntaxError(`${what} at line ${line}, column ${col}`, line, col)
  }
  const skip = (): void => {
    for (;;) {
      const c = text[i]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++
      else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2)
        if (end < 0) fail('unterminated comment')
        i = end + 2
      } else return
    }
  }
  const str = (): string => {
    i++ // opening quote
    let out = ''
    for (;;) {
      if (i >= text.length) fail('unterminated string')
      const c = text[i]!
      if (c === '"') {
        i++
        return out
      }
      if (c === '\\') {
        const e = text[i + 1]
        i += 2
        if (e === 'u') {
          const hex = text.slice(i, i + 4)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape')
          out += String.fromCharCode(Number.parseInt(hex, 16))
          i += 4
        } else {
          const map: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          }
          const m = e === undefined ? undefined : map[e]
          if (m === undefined) fail(`invalid escape \\${e ?? ''}`)
          out += m
        }
        continue
      }
      if (c < ' ') fail('control character in string')
      out += c
      i++
    }
  }
  const value = (depth: number): JsonValue => {
    // Jackson's default limit (StreamReadConstraints), which Confluent inherits; also keeps recursion shallow.
    if (depth > 1000) fail('nested deeper than 1000 levels')
    skip()
    const c = text[i]
    if (c === '{') {
      i++
      const obj: JsonObject = new Map()
      skip()
      if (text[i] === '}') {
        i++
        return obj
      }
      for (;;) {
        skip()
        if (text[i] !== '"') fail('expected a string key')
        const k = str()
        skip()
        if (text[i] !== ':') fail("expected ':'")
        i++
        obj.set(k, value(depth + 1))
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return obj
        }
        fail("expected ',' or '}'")
      }
    }
    if (c === '[') {
      i++
      const arr: JsonValue[] = []
      skip()
      if (text[i] === ']') {
        i++
        return arr
      }
      for (;;) {
        arr.push(value(depth + 1))
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return arr
        }
        fail("expected ',' or ']'")
      }
    }
    if (c === '"') return str()
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m && m[0].length > 0) {
      i += m[0].length
      return new JsonNumber(m[0])
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length
        return v
      }
    }
    return fail(i >= text.length ? 'unexpected end of input' : `unexpected character '${c}'`)
  }
  const v = value(0)
  skip()
  if (i < text.length) fail('unexpected content after the end of the schema')
  return v
}

/** Plain JS value (objects, numbers) for tools like avsc; big integers lose precision. */
export function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return v.value
  if (Array.isArray(v)) return v.map(toPlain)
  if (v instanceof Map) {
    const o: Record<string, unknown> = {}
    // defineProperty: a "__proto__" key stays an own property, as JSON.parse makes it, not a prototype.
    for (const [k, x] of v)
      Object.defineProperty(o, k, { value: toPlain(x), enumerable: true, writable: true, configurable: true })
    return o
  }
  return v
}

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
