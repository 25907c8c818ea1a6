import { isKafkitError, KafkitError } from '@kafkit/common'
import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import { RegistrySchemaError } from '../src/errors'
import { parseAvroSchema } from '../src/schema'

const rec = (fields: string, extra = '') => `{"type":"record","name":"R"${extra},"fields":[${fields}]}`
const withDefault = (type: string, def: string) => rec(`{"name":"f","type":${type},"default":${def}}`)

function parseError(text: string, references?: Parameters<typeof parseAvroSchema>[1]): RegistrySchemaError {
  try {
    parseAvroSchema(text, references)
  } catch (e) {
    if (e instanceof RegistrySchemaError) return e
    throw new Error(`expected a RegistrySchemaError, got ${String(e)}`)
  }
  throw new Error(`expected ${text} to be rejected`)
}

// [what, schema text, expected details.path, a fragment the message must contain]
const INVALID: ReadonlyArray<readonly [string, string, string, RegExp]> = [
  ['not JSON', '{"type": "record", ', '/', /not valid JSON: unexpected end of input at line 1/],
  ['empty text', '', '/', /not valid JSON/],
  ['trailing content', '"int" "long"', '/', /unexpected content after the end of the schema/],
  ['a number', '42', '', /must be a type name, an object or a union array, not the number 42/],
  ['unknown primitive', '"strin"', '', /unknown type "strin"/],
  ['unknown type object', '{"type":"strng"}', '/type', /unknown type "strng"/],
  ['type not a string', '{"type":{"type":"int"}}', '/type', /'type' must be a string, not an object/],
  ['missing type', '{"name":"x"}', '', /missing 'type'/],
  ['unknown field type', rec('{"name":"a","type":"foo"}'), '/fields/0/type', /unknown type "foo"/],
  [
    'named type used before it is defined',
    rec('{"name":"a","type":"E"},{"name":"b","type":{"type":"enum","name":"E","symbols":["X"]}}'),
    '/fields/0/type',
    /unknown type "E"/,
  ],
  ['record without name', '{"type":"record","fields":[]}', '', /needs a 'name'/],
  ['record without fields', '{"type":"record","name":"R"}', '', /needs a 'fields' array/],
  ['invalid record name', '{"type":"record","name":"1R","fields":[]}', '/name', /invalid name "1R"/],
  [
    'invalid namespace',
    '{"type":"record","name":"R","namespace":"a..b","fields":[]}',
    '/name',
    /namespace component/,
  ],
  ['invalid field name', rec('{"name":"a-b","type":"int"}'), '/fields/0/name', /invalid field name "a-b"/],
  [
    'duplicate field',
    rec('{"name":"a","type":"int"},{"name":"a","type":"long"}'),
    '/fields/1/name',
    /duplicate field "a"/,
  ],
  [
    'duplicate named type',
    rec('{"name":"a","type":{"type":"fixed","name":"R","size":1}}'),
    '/fields/0/type/name',
    /duplicate name: "R" is already defined/,
  ],
  ['named after a primitive', '{"type":"fixed","name":"int","size":1}', '/name', /cannot be called "int"/],
  ['field without type', rec('{"name":"a"}'), '/fields/0', /field "a" needs a 'type'/],
  ['bad order', rec('{"name":"a","type":"int","order":"up"}'), '/fields/0/order', /'order' must be/],
  [
    'aliases not strings',
    rec('{"name":"a","type":"int","aliases":[1]}'),
    '/fields/0/aliases',
    /array of strings/,
  ],
  ['enum without symbols', '{"type":"enum","name":"E"}', '/symbols', /needs a 'symbols' array/],
  [
    'enum duplicate symbol',
    '{"type":"enum","name":"E","symbols":["A","A"]}',
    '/symbols/1',
    /duplicate enum symbol "A"/,
  ],
  [
    'enum invalid symbol',
    '{"type":"enum","name":"E","symbols":["A-1"]}',
    '/symbols/0',
    /invalid enum symbol "A-1"/,
  ],
  [
    'enum default not a symbol',
    '{"type":"enum","name":"E","symbols":["A"],"default":"B"}',
    '/default',
    /enum default "B" is not one of the symbols/,
  ],
  ['fixed without size', '{"type":"fixed","name":"F"}', '/size', /non-negative integer 'size'/],
  ['fixed negative size', '{"type":"fixed","name":"F","size":-1}', '/size', /non-negative integer 'size'/],
  ['fixed fractional size', '{"type":"fixed","name":"F","size":1.5}', '/size', /non-negative integer 'size'/],
  ['array without items', '{"type":"array"}', '', /needs 'items'/],
  ['map without values', '{"type":"map"}', '', /needs 'values'/],
  ['nested union', '[["int"],"null"]', '/0', /cannot directly contain another union/],
  ['duplicate union branch', '["int","int"]', '/1', /duplicate type "int" in union/],
  [
    'duplicate named union branch',
    '[{"type":"enum","name":"E","symbols":["A"]},"E"]',
    '/1',
    /duplicate type "E" in union/,
  ],
  ['empty union', '[]', '', /at least one branch/],
  // Defaults: Avro's Schema.isValidDefault rules, which Confluent applies to new schemas.
  ['int default is a string', withDefault('"int"', '"x"'), '/fields/0/default', /"x" is not a valid int/],
  ['int default has a fraction', withDefault('"int"', '1.5'), '/fields/0/default', /1\.5 is not a valid int/],
  ['int default written as 1.0', withDefault('"int"', '1.0'), '/fields/0/default', /1\.0 is not a valid int/],
  ['int default out of range', withDefault('"int"', '2147483648'), '/fields/0/default', /out of range/],
  [
    'long default out of range',
    withDefault('"long"', '9223372036854775808'),
    '/fields/0/default',
    /out of range/,
  ],
  ['string default null', withDefault('"string"', 'null'), '/fields/0/default', /null is not a valid string/],
  [
    'boolean default as text',
    withDefault('"boolean"', '"true"'),
    '/fields/0/default',
    /is not a valid boolean/,
  ],
  ['bytes default a number', withDefault('"bytes"', '1'), '/fields/0/default', /1 is not a valid bytes/],
  [
    'float default not a number',
    withDefault('"float"', '"abc"'),
    '/fields/0/default',
    /"abc" is not a valid float/,
  ],
  [
    'union default must match the FIRST branch',
    withDefault('["null","int"]', '1'),
    '/fields/0/default',
    /must match the union's FIRST branch \(null\)/,
  ],
  [
    'union default null with null second',
    withDefault('["int","null"]', 'null'),
    '/fields/0/default',
    /FIRST branch \(int\)/,
  ],
  [
    'enum field default not a symbol',
    withDefault('{"type":"enum","name":"E","symbols":["A"]}', '"B"'),
    '/fields/0/default',
    /"B" is not a valid symbol of E/,
  ],
  [
    'fixed default of the wrong size',
    withDefault('{"type":"fixed","name":"F","size":2}', '"a"'),
    '/fields/0/default',
    /fixed of 2 bytes/,
  ],
  [
    'array default with a bad element',
    withDefault('{"type":"array","items":"int"}', '[1,"x"]'),
    '/fields/0/default',
    /\[1\]: "x" is not a valid int/,
  ],
  [
    'map default with a bad value',
    withDefault('{"type":"map","values":"int"}', '{"k":"x"}'),
    '/fields/0/default',
    /\["k"\]: "x" is not a valid int/,
  ],
  [
    'record default missing a field without default',
    withDefault('{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]}', '{}'),
    '/fields/0/default',
    /\.x: missing value and no default/,
  ],
  [
    'record default not an object',
    withDefault('{"type":"record","name":"N","fields":[]}', '[]'),
    '/fields/0/default',
    /not a valid record/,
  ],
]

describe('invalid schemas are rejected with the place and the reason', () => {
  for (const [what, text, path, message] of INVALID) {
    it(what, () => {
      const e = parseError(text)
      expect(e.details.path).toBe(path || '/')
      expect(e.message).toMatch(message)
      expect(e.message).toMatch(/^Invalid Avro schema/)
    })
  }

  it('errors carry the Confluent 42201 code and HTTP 422', () => {
    const e = parseError('{"type":"nope"}')
    expect(e).toBeInstanceOf(KafkitError)
    expect(isKafkitError(e, 'KAFKIT_REGISTRY_INVALID_SCHEMA')).toBe(true)
    expect(e.code).toBe('KAFKIT_REGISTRY_INVALID_SCHEMA')
    expect(e.details.errorCode).toBe(42201)
    expect((e as unknown as { httpStatus: number }).httpStatus).toBe(422)
  })

  it('a JSON syntax error gives line and column', () => {
    const e = parseError('{\n  "type": "record",\n  "name": "R",\n  "fields": [,]\n}')
    expect(e.details).toMatchObject({ line: 4, column: 14 })
  })

  it('a missing reference names the type and how to fix it', () => {
    const e = parseError(rec('{"name":"s","type":"com.x.Status"}'))
    expect(e.message).toMatch(/unknown type "com\.x\.Status".*add a schema reference that defines it/)
  })

  it('a broken reference is reported as that reference', () => {
    const e = parseError(rec('{"name":"s","type":"com.x.Status"}'), {
      references: [
        { name: 'com.x.Status', subject: 'status', version: 3, schema: '{"type":"enum","name":"Status"' },
      ],
    })
    expect(e.message).toMatch(/reference "com\.x\.Status" \(subject "status", version 3\): not valid JSON/)
  })

  it('redefining a type a reference defines is a duplicate', () => {
    const e = parseError('{"type":"enum","name":"Status","namespace":"com.x","symbols":["A"]}', {
      references: [
        {
          name: 'com.x.Status',
          subject: 's',
          version: 1,
          schema: '{"type":"enum","name":"com.x.Status","symbols":["A"]}',
        },
      ],
    })
    expect(e.message).toMatch(/duplicate name: "com\.x\.Status" is already defined by a schema reference/)
  })

  it('nesting deeper than Jackson allows (1000) is a typed error; 900 levels still work end to end', () => {
    const nested = (depth: number) => `${'{"type":"array","items":'.repeat(depth)}"int"${'}'.repeat(depth)}`
    expect(parseError(nested(1001)).message).toMatch(/nested deeper than 1000 levels/)
    const p = parseAvroSchema(nested(900))
    expect(parseAvroSchema(p.canonical).canonical).toBe(p.canonical)
    expect(p.canonical.length).toBeGreaterThan(900 * 20)
  })

  it('never throws anything but RegistrySchemaError for odd input', () => {
    for (const text of [
      'null',
      'true',
      '{}',
      '[1]',
      '{"type":null}',
      '{"type":"record","name":"R","fields":{}}',
      '"\\u12"',
      '[{"type":"map","values":[]}]',
    ]) {
      expect(() => parseAvroSchema(text), text).toThrowError(RegistrySchemaError)
    }
    expect(() => parseAvroSchema(undefined as unknown as string)).toThrowError(RegistrySchemaError)
  })
})

describe('accepted like Confluent', () => {
  it('comments, as Avro Java (Jackson ALLOW_COMMENTS) accepts', () => {
    const p = parseAvroSchema('/* a comment */ {"type": "int" // trailing\n}')
    expect(p.canonical).toBe('"int"')
  })

  it('long defaults beyond 2^53 are kept exactly', () => {
    const p = parseAvroSchema(withDefault('"long"', '9223372036854775807'))
    expect(p.canonical).toContain('"default":9223372036854775807')
  })

  it('float/double defaults given as text (NaN, Infinity, "1.5") as Avro Java converts them', () => {
    expect(parseAvroSchema(withDefault('"double"', '"NaN"')).canonical).toContain('"default":"NaN"')
    expect(parseAvroSchema(withDefault('"float"', '"1.5"')).canonical).toContain('"default":1.5')
  })

  it('bytes defaults as ISO-8859-1 text, record defaults taking sub-field defaults', () => {
    expect(() => parseAvroSchema(withDefault('"bytes"', '"\\u00ff\\u0000"'))).not.toThrow()
    expect(() =>
      parseAvroSchema(
        withDefault(
          '{"type":"record","name":"N","fields":[{"name":"x","type":"int","default":1},{"name":"y","type":"int"}]}',
          '{"y":2}',
        ),
      ),
    ).not.toThrow()
  })

  it('a type outside any namespace, referenced by short name from inside one (Java falls back to no namespace)', () => {
    const text =
      '{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}},{"name":"b","type":"E"}]}'
    expect(parseAvroSchema(text).canonical).toBe(text)
  })

  it('where avsc alone is too lenient, we are not (Java rules on number literals)', () => {
    for (const text of [
      withDefault('"int"', '1.0'),
      withDefault('"long"', '2.0'),
      withDefault('"int"', '1e2'),
      withDefault('{"type":"array","items":"int"}', '[1.0]'),
    ]) {
      expect(() => avsc.Type.forSchema(JSON.parse(text))).not.toThrow()
      expect(() => parseAvroSchema(text), text).toThrowError(RegistrySchemaError)
    }
  })

  it('a float default too big for a double (1e400) is Infinity, written as Jackson does', () => {
    const p = parseAvroSchema(withDefault('"float"', '1e400'))
    expect(p.canonical).toContain('"default":"Infinity"}')
    expect(p.normalized).toContain('"default":"Infinity"}')
    expect(() => JSON.parse(p.canonical)).not.toThrow()
  })

  it('a "__proto__" property is kept as a plain property', () => {
    const text = '{"type":"string","__proto__":{"polluted":true}}'
    const p = parseAvroSchema(text)
    expect(p.canonical).toBe(text)
    expect(p.json).toEqual(JSON.parse(text))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a non-string doc is dropped and field aliases are not name-checked, as Avro Java does', () => {
    const p = parseAvroSchema(
      rec('{"name":"a","type":"int","doc":7,"aliases":["old-name"]}', ',"doc":{"x":1}'),
    )
    expect(p.canonical).toBe(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["old-name"]}]}',
    )
  })

  it('a reference listed twice (diamond) is parsed once', () => {
    const e = { name: 'E', subject: 'e', version: 1, schema: '{"type":"enum","name":"E","symbols":["A"]}' }
    const p = parseAvroSchema(rec('{"name":"a","type":"E"}'), { references: [e, e] })
    expect(p.canonical).toBe('{"type":"record","name":"R","fields":[{"name":"a","type":"E"}]}')
  })

  it('unknown logical types and invalid decimals degrade to the base type', () => {
    expect(() => parseAvroSchema('{"type":"bytes","logicalType":"nope"}')).not.toThrow()
    expect(() => parseAvroSchema('{"type":"bytes","logicalType":"decimal","precision":-1}')).not.toThrow()
    expect(() => parseAvroSchema('{"type":"string","logicalType":"date"}')).not.toThrow()
  })

  it('a named type may be referred to as {"type": "Name"} and by short name in its namespace', () => {
    const p = parseAvroSchema(
      rec(
        '{"name":"a","type":{"type":"fixed","name":"F","size":4}},{"name":"b","type":{"type":"F"}},{"name":"c","type":"x.F"}',
        ',"namespace":"x"',
      ),
    )
    expect(p.canonical).toBe(
      '{"type":"record","name":"R","namespace":"x","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":4}},{"name":"b","type":"F"},{"name":"c","type":"F"}]}',
    )
  })
})

describe('canonical form (Confluent canonicalString)', () => {
  it('fixed attribute order, compact, namespace split from a dotted name', () => {
    const p = parseAvroSchema(
      '{ "fields": [ {"default": 1, "type": "int", "doc": "d", "name": "a", "aliases": ["z"], "order": "DESCENDING", "custom": true} ], "doc": "rec", "name": "x.y.R", "type": "record", "aliases": ["Old"] }',
    )
    expect(p.canonical).toBe(
      '{"type":"record","name":"R","namespace":"x.y","doc":"rec","fields":[{"name":"a","type":"int","doc":"d","default":1,"order":"descending","aliases":["z"],"custom":true}],"aliases":["Old"]}',
    )
    expect(p.namedTypes).toEqual(['x.y.R'])
  })

  it('matches Confluent output seen in the wild (field property after type)', () => {
    const text = `{
      "namespace": "io.msdousti.mykafka", "type": "record", "name": "User",
      "fields": [
        {"avro.java.string": "String", "name": "name", "type": {"avro.java.string": "String", "type": "string"}},
        {"name": "age", "type": "int"}
      ]
    }`
    expect(parseAvroSchema(text).canonical).toBe(
      '{"type":"record","name":"User","namespace":"io.msdousti.mykafka","fields":[{"name":"name","type":{"type":"string","avro.java.string":"String"},"avro.java.string":"String"},{"name":"age","type":"int"}]}',
    )
  })

  it('a nested type outside any namespace gets "namespace":"" inside a namespaced record', () => {
    const p = parseAvroSchema(
      rec(
        '{"name":"a","type":{"type":"enum","name":"E","namespace":"","symbols":["A"]}}',
        ',"namespace":"ns"',
      ),
    )
    expect(p.canonical).toContain('{"type":"enum","name":"E","namespace":"","symbols":["A"]}')
    expect(p.namedTypes).toEqual(['ns.R', 'E'])
  })

  it('enum: symbols, then the default; references to other namespaces written in full', () => {
    const p = parseAvroSchema(
      rec(
        '{"name":"e","type":{"type":"enum","name":"o.E","default":"A","symbols":["A","B"]}},{"name":"f","type":"o.E"}',
        ',"namespace":"ns"',
      ),
    )
    expect(p.canonical).toBe(
      '{"type":"record","name":"R","namespace":"ns","fields":[{"name":"e","type":{"type":"enum","name":"E","namespace":"o","symbols":["A","B"],"default":"A"}},{"name":"f","type":"o.E"}]}',
    )
  })

  it('numbers as Jackson re-writes them; 1 and 1.0 are different schemas, as in Confluent', () => {
    const a = parseAvroSchema(withDefault('"double"', '1'))
    const b = parseAvroSchema(withDefault('"double"', '1.0'))
    const c = parseAvroSchema(withDefault('"double"', '1e10'))
    expect(a.canonical).toContain('"default":1}')
    expect(b.canonical).toContain('"default":1.0}')
    expect(c.canonical).toContain('"default":1.0E10}')
    expect(a.fingerprint).not.toBe(b.fingerprint)
  })

  it('strings escaped like Jackson', () => {
    const p = parseAvroSchema(rec('{"name":"a","type":"string","doc":"tab\\there \\"q\\" \\u0001 é /"}'))
    expect(p.canonical).toContain('"doc":"tab\\there \\"q\\" \\u0001 é /"')
  })

  it('types from references are written by name, not inlined', () => {
    const p = parseAvroSchema(rec('{"name":"s","type":"com.x.Status"}'), {
      references: [
        {
          name: 'com.x.Status',
          subject: 's',
          version: 1,
          schema: '{"type":"enum","name":"Status","namespace":"com.x","symbols":["A"]}',
        },
      ],
    })
    expect(p.canonical).toBe('{"type":"record","name":"R","fields":[{"name":"s","type":"com.x.Status"}]}')
    expect(p.namedTypes).toEqual(['R'])
  })
})

describe('normalized form (Confluent ?normalize=true)', () => {
  it('sorts custom properties and aliases, drops empty docs, puts logical-type attributes first', () => {
    const p = parseAvroSchema(
      '{"type":"record","name":"R","doc":"","aliases":["Z","A"],"zz":1,"aa":2,"fields":[{"name":"d","type":{"type":"bytes","scale":2,"precision":9,"logicalType":"decimal"},"y":1,"b":2,"aliases":["q","c"]}]}',
    )
    expect(p.canonical).toBe(
      '{"type":"record","name":"R","doc":"","fields":[{"name":"d","type":{"type":"bytes","scale":2,"precision":9,"logicalType":"decimal"},"aliases":["q","c"],"y":1,"b":2}],"zz":1,"aa":2,"aliases":["Z","A"]}',
    )
    expect(p.normalized).toBe(
      '{"type":"record","name":"R","fields":[{"name":"d","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2},"aliases":["c","q"],"b":2,"y":1}],"aa":2,"zz":1,"aliases":["A","Z"]}',
    )
  })

  it('re-types numeric defaults by the field type (Avro defaultVal, written back)', () => {
    expect(parseAvroSchema(withDefault('"double"', '1')).normalized).toContain('"default":1.0}')
    expect(parseAvroSchema(withDefault('"float"', '0.1')).normalized).toContain('"default":0.1}')
    expect(parseAvroSchema(withDefault('"float"', '9.18')).normalized).toContain('"default":9.18}')
    expect(parseAvroSchema(withDefault('["double","null"]', '2')).normalized).toContain('"default":2.0}')
    expect(parseAvroSchema(withDefault('{"type":"array","items":"double"}', '[1,2.5]')).normalized).toContain(
      '"default":[1.0,2.5]}',
    )
  })

  it('two schemas differing only in property order normalize to the same text', () => {
    const a = parseAvroSchema('{"type":"string","b":1,"a":2}')
    const b = parseAvroSchema('{"type":"string","a":2,"b":1}')
    expect(a.canonical).not.toBe(b.canonical)
    expect(a.normalized).toBe(b.normalized)
  })
})
