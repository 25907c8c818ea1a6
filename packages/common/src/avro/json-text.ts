import { KafkitError } from '../errors'

/**
 * A small JSON reader that keeps what JSON.parse loses and Avro tools need: key order (Map, so integer-like
 * keys are not hoisted), the exact text of numbers (a long default above 2^53 stays exact), and where a
 * syntax error is (line, column, offset). Comments are accepted like Avro's Jackson parser (ALLOW_COMMENTS)
 * does, unless `comments: false` (plain JSON, as JSON.parse reads it).
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

/** Where and why a text is not JSON; `line` and `column` are 1-based, `offset` 0-based. */
export class JsonSyntaxError extends KafkitError {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super('KAFKIT_INVALID_JSON', message, { details: { line, column, offset } })
  }
}

export interface ParseJsonTextOptions {
  /** Accept line and block comments, as Avro's Java parser does (default true). */
  readonly comments?: boolean
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map
}

/** Parses JSON text; throws JsonSyntaxError with line, column and offset. */
export function parseJsonText(text: string, options: ParseJsonTextOptions = {}): JsonValue {
  const comments = options.comments ?? true
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
    throw new JsonSyntaxError(`${what} at line ${line}, column ${col}`, line, col, Math.min(i, text.length))
  }
  const skip = (): void => {
    for (;;) {
      const c = text[i]
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++
      else if (comments && c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++
      } else if (comments && c === '/' && text[i + 1] === '*') {
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
        i++ // a bad escape is reported at its letter
        const e = text[i]
        if (e === 'u') {
          const hex = text.slice(i + 1, i + 5)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape')
          out += String.fromCharCode(Number.parseInt(hex, 16))
          i += 5
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
          i++
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

/** The reader's form of a plain JS value (as JSON.parse or avsc's IDL reader gives it), for the parser. */
export function fromPlain(v: unknown): JsonValue {
  if (typeof v === 'number') return new JsonNumber(String(v))
  if (Array.isArray(v)) return v.map(fromPlain)
  if (typeof v === 'object' && v !== null) {
    const out: JsonObject = new Map()
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out.set(k, fromPlain(x))
    return out
  }
  return v as JsonValue
}
