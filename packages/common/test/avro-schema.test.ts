import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isKafkitError } from '@kafkit/common'
import {
  AVRO_PRIMITIVES,
  avroFullName,
  bytesToUnscaled,
  childPointer,
  fromPlain,
  isAvroPrimitive,
  isValidAvroFullName,
  isValidAvroName,
  type JsonNumber,
  JsonSyntaxError,
  namespaceOf,
  type ParseContext,
  parseJsonText,
  parseNode,
  pointerText,
  shortNameOf,
  splitAvroName,
  toPlain,
  unscaledToBytes,
  unscaledToDecimal,
} from '@kafkit/common/avro-schema'
import { describe, expect, it } from 'vitest'

describe('@kafkit/common/avro-schema: names', () => {
  it('knows the eight primitives and nothing else', () => {
    expect([...AVRO_PRIMITIVES].sort()).toEqual(
      ['boolean', 'bytes', 'double', 'float', 'int', 'long', 'null', 'string'].sort(),
    )
    expect(isAvroPrimitive('long')).toBe(true)
    expect(isAvroPrimitive('record')).toBe(false)
    expect(isAvroPrimitive(3)).toBe(false)
  })

  it('validates names and dotted full names (ASCII, as avsc)', () => {
    expect(isValidAvroName('_a1')).toBe(true)
    expect(isValidAvroName('1a')).toBe(false)
    expect(isValidAvroName('a.b')).toBe(false)
    expect(isValidAvroName('é')).toBe(false)
    expect(isValidAvroFullName('com.example.Order')).toBe(true)
    expect(isValidAvroFullName('com..Order')).toBe(false)
    expect(isValidAvroFullName('')).toBe(false)
  })

  it('resolves names against a namespace as the Avro spec says', () => {
    expect(avroFullName('Order', 'com.shop')).toBe('com.shop.Order')
    expect(avroFullName('x.Order', 'com.shop')).toBe('x.Order')
    expect(avroFullName('Order', '')).toBe('Order')
    expect(avroFullName('Order', undefined)).toBe('Order')
    expect(namespaceOf('com.shop.Order')).toBe('com.shop')
    expect(namespaceOf('Order')).toBe('')
    expect(shortNameOf('com.shop.Order')).toBe('Order')
    expect(splitAvroName('Order', 'com.shop')).toEqual({
      name: 'Order',
      space: 'com.shop',
      full: 'com.shop.Order',
    })
    expect(splitAvroName('a.b.C', 'ignored')).toEqual({ name: 'C', space: 'a.b', full: 'a.b.C' })
    expect(splitAvroName('C', '')).toEqual({ name: 'C', space: undefined, full: 'C' })
    expect(splitAvroName('.C', 'ns')).toEqual({ name: 'C', space: undefined, full: 'C' })
  })
})

describe('@kafkit/common/avro-schema: JSON Pointer places', () => {
  it('builds pointers and escapes ~ and / in keys (RFC 6901)', () => {
    expect(childPointer(childPointer(childPointer('', 'fields'), 2), 'type')).toBe('/fields/2/type')
    expect(childPointer('/a', 'x/y~z')).toBe('/a/x~1y~0z')
    expect(pointerText('')).toBe('/')
    expect(pointerText('/fields/0')).toBe('/fields/0')
  })
})

describe('@kafkit/common/avro-schema: JSON reader', () => {
  const syntaxError = (text: string, comments?: boolean): JsonSyntaxError => {
    try {
      parseJsonText(text, comments === undefined ? {} : { comments })
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError)
      return e as JsonSyntaxError
    }
    throw new Error(`parsed: ${text}`)
  }

  it('keeps key order and exact numbers', () => {
    const v = parseJsonText('{"b": 1, "2": 9223372036854775807, "a": [1.0, true, null, "x"]}')
    expect(v).toBeInstanceOf(Map)
    const m = v as Map<string, unknown>
    expect([...m.keys()]).toEqual(['b', '2', 'a'])
    expect((m.get('2') as JsonNumber).raw).toBe('9223372036854775807')
    expect(((m.get('a') as unknown[])[0] as JsonNumber).integral).toBe(false)
    expect(toPlain(v)).toEqual({ b: 1, 2: Number('9223372036854775807'), a: [1, true, null, 'x'] })
  })

  it('reports line, column and offset of a syntax error, as a KafkitError', () => {
    const text = '{\n  "fields": [\n    { "name": "a" },\n  ]\n}'
    const e = syntaxError(text)
    expect([e.line, e.column]).toEqual([4, 3])
    expect(text[e.offset]).toBe(']')
    expect(isKafkitError(e)).toBe(true)
    expect(e.code).toBe('KAFKIT_INVALID_JSON')
    expect(e.message).toBe("unexpected character ']' at line 4, column 3")
    expect(syntaxError('{"a": ').message).toBe('unexpected end of input at line 1, column 7')
  })

  it('points at the letter of a bad escape', () => {
    expect(syntaxError('"ab\\q"').column).toBe(5)
    expect(syntaxError('"ab\\u12x4"').column).toBe(5)
    expect(parseJsonText('"a\\u0041\\n"')).toBe('aA\n')
  })

  it('accepts comments like Avro Java unless told not to', () => {
    expect(parseJsonText('// schema\n{"type": /* here */ "int"}')).toEqual(new Map([['type', 'int']]))
    const e = syntaxError('{"type": /* here */ "int"}', false)
    expect([e.line, e.column]).toEqual([1, 10])
  })

  it('agrees with JSON.parse on what is JSON (comments off)', () => {
    const texts = [
      '{"a":1,}',
      '[1 2]',
      '{"a" 1}',
      '01',
      '-',
      '"\u0001"',
      'tru',
      '{"a":1}x',
      '[]',
      '{"a":[{}]}',
    ]
    for (const text of texts) {
      let native = true
      try {
        JSON.parse(text)
      } catch {
        native = false
      }
      let ours = true
      try {
        parseJsonText(text, { comments: false })
      } catch {
        ours = false
      }
      expect(ours, text).toBe(native)
    }
  })
})

describe('@kafkit/common/avro-schema: parser options for readers of many files (codegen)', () => {
  const context = (options: Partial<ParseContext>): ParseContext => ({
    names: new Map(),
    defined: [],
    external: false,
    where: '',
    error: (message, details, problem) => Object.assign(new Error(message), { details, problem }),
    ...options,
  })
  const schema = fromPlain({
    type: 'record',
    name: 'R',
    namespace: 'x',
    fields: [
      { name: 'later', type: ['null', 'Later'], default: null },
      { name: 'bad', type: 'int', default: 'not an int' },
    ],
  })

  it('without them: define before use, defaults checked (Avro Java)', () => {
    expect(() => parseNode(context({}), schema, undefined, '')).toThrow(/unknown type "Later"/)
  })

  it('unresolved answers a valid name nothing defines yet; checkDefaults false leaves defaults alone', () => {
    const asked: string[] = []
    const unresolved: ParseContext['unresolved'] & {} = (full, path) => {
      asked.push(`${full} at ${path}`)
      return { kind: 'primitive', type: 'string', props: new Map() }
    }
    const ctx = context({ checkDefaults: false, unresolved })
    expect(parseNode(ctx, schema, undefined, '').kind).toBe('record')
    expect(asked).toEqual(['x.Later at /fields/0/type/1'])
    expect(() => parseNode(context({ unresolved }), schema, undefined, '')).toThrow(
      /invalid default for field "bad"/,
    )
  })

  it('a reference that is not a valid name is still an error, with the problem apart from the place', () => {
    const ctx = context({ unresolved: () => ({ kind: 'primitive', type: 'null', props: new Map() }) })
    const error = (() => {
      try {
        parseNode(ctx, fromPlain(['null', 'a-b']), undefined, '/types/2')
      } catch (e) {
        return e as Error & { details: unknown; problem: string }
      }
      return undefined
    })()
    expect(error?.message).toBe('Invalid Avro schema at /types/2/1: invalid type name "a-b"')
    expect(error?.details).toEqual({ path: '/types/2/1' })
    expect(error?.problem).toBe('invalid type name "a-b"')
  })

  it("fromPlain turns JSON.parse output into the reader's form", () => {
    const text = '{"a": [1, 2.5, "s", null, true, {"b": {}}]}'
    expect(toPlain(fromPlain(JSON.parse(text)))).toEqual(JSON.parse(text))
    expect(fromPlain(JSON.parse(text))).toEqual(parseJsonText(text))
  })
})

describe('@kafkit/common/avro-schema: decimal conversions', () => {
  it('round-trips unscaled values through two-complement bytes and text', () => {
    for (const n of [0n, 1n, -1n, 127n, 128n, -128n, -129n, 2n ** 63n, -(2n ** 70n) + 3n]) {
      expect(bytesToUnscaled(unscaledToBytes(n))).toBe(n)
      expect(bytesToUnscaled(unscaledToBytes(n, 16))).toBe(n)
    }
    expect(unscaledToBytes(128n)).toEqual(Buffer.from([0x00, 0x80]))
    expect(unscaledToBytes(-128n)).toEqual(Buffer.from([0x80]))
    expect(unscaledToBytes(-1n, 3)).toEqual(Buffer.from([0xff, 0xff, 0xff]))
    expect(unscaledToDecimal(-5n, 2)).toBe('-0.05')
    expect(unscaledToDecimal(12345n, 0)).toBe('12345')
  })
})

/*
 * One Avro core: the name rules live in packages/common/src/avro/names.ts. A second primitive-type set,
 * namespaceOf or JSON reader in a package's src is a copy that will drift; use @kafkit/common/avro-schema.
 */
describe('the Avro core has no copies in packages/*/src', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url))
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name)
      if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p)
      return p.endsWith('.ts') ? [p] : []
    })
  const sources = readdirSync(join(root, 'packages')).flatMap((pkg) => {
    const src = join(root, 'packages', pkg, 'src')
    try {
      statSync(src)
    } catch {
      return []
    }
    return files(src).map((file) => ({ file: relative(root, file), text: readFileSync(file, 'utf8') }))
  })
  const HOME = 'packages/common/src/avro/'

  const definedOutsideHome = (pattern: RegExp): string[] =>
    sources.filter((s) => !s.file.startsWith(HOME) && pattern.test(s.text)).map((s) => s.file)

  it('reads some sources (the scan works)', () => {
    expect(sources.some((s) => s.file === `${HOME}names.ts`)).toBe(true)
    expect(sources.length).toBeGreaterThan(50)
  })

  it('no second primitive-type set', () => {
    // Any array or set literal that lists the eight primitives (in any order, any quotes).
    const list =
      /\[\s*(['"](null|boolean|int|long|float|double|bytes|string)['"]\s*,\s*){7}['"](null|boolean|int|long|float|double|bytes|string)['"]\s*,?\s*\]/
    expect(definedOutsideHome(list)).toEqual([])
  })

  it('no second namespaceOf, name pattern, JSON reader or schema parser', () => {
    expect(definedOutsideHome(/function namespaceOf\b/)).toEqual([])
    expect(definedOutsideHome(/\[A-Za-z_\]\[A-Za-z0-9_\]\*/)).toEqual([])
    expect(definedOutsideHome(/function (parseJsonText|jsonErrorOffset)\b/)).toEqual([])
    expect(definedOutsideHome(/function (parseNode|defaultProblem|javaDouble)\b/)).toEqual([])
  })
})
