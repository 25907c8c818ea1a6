import { describe, expect, it } from 'vitest'
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  checkCompatibility,
  checkReaderWriter,
  confluentMessage,
  confluentTrailer,
  isCompatibilityLevel,
} from '../src/compatibility'
import { type ParsedAvroSchema, parseAvroSchema } from '../src/schema'

/** A record `R` with the given fields (JSON text of each field). */
const rec = (...fields: string[]) =>
  `{"type":"record","name":"R","namespace":"t","fields":[${fields.join(',')}]}`
const field = (name: string, type: string, extra = '') => `{"name":"${name}","type":${type}${extra}}`
const enumT = (symbols: string[], extra = '') =>
  `{"type":"enum","name":"E","symbols":${JSON.stringify(symbols)}${extra}}`
const fixedT = (size: number, name = 'F', extra = '') =>
  `{"type":"fixed","name":"${name}","size":${size}${extra}}`
const list = (value: string, next = 'Node') =>
  `{"type":"record","name":"Node","fields":[{"name":"value","type":${value}},{"name":"next","type":["null","${next}"],"default":null}]}`

type Expected = ReadonlyArray<readonly [type: string, path: string, info?: string]>

interface Case {
  readonly name: string
  readonly old: string
  readonly new: string
  /** Issues when the NEW schema reads data written with the OLD (BACKWARD); [] = compatible. */
  readonly backward: Expected
  /** Issues when the OLD schema reads data written with the NEW (FORWARD); [] = compatible. */
  readonly forward: Expected
}

const MISSING = 'READER_FIELD_MISSING_DEFAULT_VALUE'
const MISMATCH = 'TYPE_MISMATCH'

// Drawn from the Avro specification's "Schema Resolution" rules and Confluent's documented evolution rules.
const CASES: ReadonlyArray<Case> = [
  {
    name: 'identical schema',
    old: rec(field('a', '"int"')),
    new: rec(field('a', '"int"')),
    backward: [],
    forward: [],
  },
  {
    name: 'whitespace and attribute order only',
    old: rec(field('a', '"int"')),
    new: '{ "fields" : [ { "type" : "int", "name" : "a" } ], "namespace": "t", "name" : "R", "type" : "record" }',
    backward: [],
    forward: [],
  },
  {
    name: 'add a field without a default',
    old: rec(field('a', '"int"')),
    new: rec(field('a', '"int"'), field('b', '"string"')),
    backward: [[MISSING, '/fields/1', 'b']],
    forward: [],
  },
  {
    name: 'add a field with a default',
    old: rec(field('a', '"int"')),
    new: rec(field('a', '"int"'), field('b', '"string"', ',"default":"x"')),
    backward: [],
    forward: [],
  },
  {
    name: 'add a nullable field with a null default',
    old: rec(field('a', '"int"')),
    new: rec(field('a', '"int"'), field('b', '["null","string"]', ',"default":null')),
    backward: [],
    forward: [],
  },
  {
    name: 'remove a field that had no default',
    old: rec(field('a', '"int"'), field('b', '"string"')),
    new: rec(field('a', '"int"')),
    backward: [],
    forward: [[MISSING, '/fields/1', 'b']],
  },
  {
    name: 'remove a field that had a default',
    old: rec(field('a', '"int"'), field('b', '"string"', ',"default":"x"')),
    new: rec(field('a', '"int"')),
    backward: [],
    forward: [],
  },
  {
    name: 'rename a field with an alias to the old name',
    old: rec(field('a', '"int"'), field('b', '"string"')),
    new: rec(field('a', '"int"'), field('c', '"string"', ',"aliases":["b"]')),
    backward: [],
    forward: [[MISSING, '/fields/1', 'b']],
  },
  {
    name: 'rename a field without an alias',
    old: rec(field('a', '"int"'), field('b', '"string"')),
    new: rec(field('a', '"int"'), field('c', '"string"')),
    backward: [[MISSING, '/fields/1', 'c']],
    forward: [[MISSING, '/fields/1', 'b']],
  },
  {
    name: 'reorder fields',
    old: rec(field('a', '"int"'), field('b', '"string"')),
    new: rec(field('b', '"string"'), field('a', '"int"')),
    backward: [],
    forward: [],
  },
  ...(
    [
      ['int', 'long'],
      ['int', 'float'],
      ['int', 'double'],
      ['long', 'float'],
      ['long', 'double'],
      ['float', 'double'],
    ] as const
  ).map(
    ([from, to]): Case => ({
      name: `promote ${from} to ${to}`,
      old: rec(field('a', `"${from}"`)),
      new: rec(field('a', `"${to}"`)),
      backward: [],
      forward: [
        [
          MISMATCH,
          '/fields/0/type',
          `reader type: ${from.toUpperCase()} not compatible with writer type: ${to.toUpperCase()}`,
        ],
      ],
    }),
  ),
  {
    name: 'string to bytes (promotable both ways)',
    old: rec(field('a', '"string"')),
    new: rec(field('a', '"bytes"')),
    backward: [],
    forward: [],
  },
  {
    name: 'demote long to int',
    old: rec(field('a', '"long"')),
    new: rec(field('a', '"int"')),
    backward: [[MISMATCH, '/fields/0/type', 'reader type: INT not compatible with writer type: LONG']],
    forward: [],
  },
  {
    name: 'demote double to float',
    old: rec(field('a', '"double"')),
    new: rec(field('a', '"float"')),
    backward: [[MISMATCH, '/fields/0/type', 'reader type: FLOAT not compatible with writer type: DOUBLE']],
    forward: [],
  },
  {
    name: 'int to string',
    old: rec(field('a', '"int"')),
    new: rec(field('a', '"string"')),
    backward: [[MISMATCH, '/fields/0/type', 'reader type: STRING not compatible with writer type: INT']],
    forward: [[MISMATCH, '/fields/0/type', 'reader type: INT not compatible with writer type: STRING']],
  },
  {
    name: 'boolean to int (no promotion)',
    old: rec(field('a', '"boolean"')),
    new: rec(field('a', '"int"')),
    backward: [[MISMATCH, '/fields/0/type']],
    forward: [[MISMATCH, '/fields/0/type']],
  },
  {
    name: 'logical type added on the same base type (ignored by resolution)',
    old: rec(field('a', '"long"')),
    new: rec(field('a', '{"type":"long","logicalType":"timestamp-millis"}')),
    backward: [],
    forward: [],
  },
  {
    name: 'enum: add a symbol, no enum default',
    old: rec(field('e', enumT(['A', 'B']))),
    new: rec(field('e', enumT(['A', 'B', 'C']))),
    backward: [],
    forward: [['MISSING_ENUM_SYMBOLS', '/fields/0/type/symbols', '[C]']],
  },
  {
    name: 'enum: add a symbol, the old reader has an enum default',
    old: rec(field('e', enumT(['A', 'B'], ',"default":"A"'))),
    new: rec(field('e', enumT(['A', 'B', 'C'], ',"default":"A"'))),
    backward: [],
    forward: [],
  },
  {
    name: 'enum: remove a symbol, no enum default',
    old: rec(field('e', enumT(['A', 'B', 'C']))),
    new: rec(field('e', enumT(['A', 'C']))),
    backward: [['MISSING_ENUM_SYMBOLS', '/fields/0/type/symbols', '[B]']],
    forward: [],
  },
  {
    name: 'enum: remove a symbol, the new reader has an enum default',
    old: rec(field('e', enumT(['A', 'B', 'C']))),
    new: rec(field('e', enumT(['A', 'C'], ',"default":"A"'))),
    backward: [],
    forward: [],
  },
  {
    name: 'enum: rename with an alias',
    old: rec(field('e', enumT(['A']))),
    new: rec(field('e', '{"type":"enum","name":"E2","aliases":["E"],"symbols":["A"]}')),
    backward: [],
    forward: [['NAME_MISMATCH', '/fields/0/type/name', 'expected: t.E2']],
  },
  {
    name: 'union: widen with a new branch',
    old: rec(field('u', '["null","string"]', ',"default":null')),
    new: rec(field('u', '["null","string","int"]', ',"default":null')),
    backward: [],
    forward: [['MISSING_UNION_BRANCH', '/fields/0/type/2', 'reader union lacking writer type: INT']],
  },
  {
    name: 'union: narrow by removing a branch',
    old: rec(field('u', '["null","string","int"]', ',"default":null')),
    new: rec(field('u', '["null","string"]', ',"default":null')),
    backward: [['MISSING_UNION_BRANCH', '/fields/0/type/2', 'reader union lacking writer type: INT']],
    forward: [],
  },
  {
    name: 'union: branches reordered',
    old: rec(field('u', '["null","string","int"]', ',"default":null')),
    new: rec(field('u', '["null","int","string"]', ',"default":null')),
    backward: [],
    forward: [],
  },
  {
    name: 'union: a branch promoted (reader union branch long reads writer int)',
    old: rec(field('u', '["null","int"]', ',"default":null')),
    new: rec(field('u', '["null","long"]', ',"default":null')),
    backward: [],
    forward: [['MISSING_UNION_BRANCH', '/fields/0/type/1', 'reader union lacking writer type: LONG']],
  },
  {
    name: 'non-union becomes a union (writer non-union, reader union)',
    old: rec(field('a', '"string"')),
    new: rec(field('a', '["null","string"]', ',"default":null')),
    backward: [],
    forward: [[MISMATCH, '/fields/0/type/0', 'reader type: STRING not compatible with writer type: NULL']],
  },
  {
    name: 'union becomes a non-union',
    old: rec(field('a', '["null","string"]', ',"default":null')),
    new: rec(field('a', '"string"')),
    backward: [[MISMATCH, '/fields/0/type/0', 'reader type: STRING not compatible with writer type: NULL']],
    forward: [],
  },
  {
    name: 'non-union to a union without that type',
    old: rec(field('a', '"string"')),
    new: rec(field('a', '["null","int"]', ',"default":null')),
    backward: [['MISSING_UNION_BRANCH', '/fields/0/type', 'reader union lacking writer type: STRING']],
    forward: [
      [MISMATCH, '/fields/0/type/0', 'reader type: STRING not compatible with writer type: NULL'],
      [MISMATCH, '/fields/0/type/1', 'reader type: STRING not compatible with writer type: INT'],
    ],
  },
  {
    name: 'fixed: size change',
    old: rec(field('f', fixedT(16))),
    new: rec(field('f', fixedT(32))),
    backward: [['FIXED_SIZE_MISMATCH', '/fields/0/type/size', 'expected: 16, found: 32']],
    forward: [['FIXED_SIZE_MISMATCH', '/fields/0/type/size', 'expected: 32, found: 16']],
  },
  {
    name: 'fixed: name change',
    old: rec(field('f', fixedT(16, 'F'))),
    new: rec(field('f', fixedT(16, 'G'))),
    backward: [['NAME_MISMATCH', '/fields/0/type/name', 'expected: t.F']],
    forward: [['NAME_MISMATCH', '/fields/0/type/name', 'expected: t.G']],
  },
  {
    name: 'fixed: name change with an alias on the new one',
    old: rec(field('f', fixedT(16, 'F'))),
    new: rec(field('f', fixedT(16, 'G', ',"aliases":["F"]'))),
    backward: [],
    forward: [['NAME_MISMATCH', '/fields/0/type/name', 'expected: t.G']],
  },
  {
    name: 'record: renamed with an alias',
    old: rec(field('a', '"int"')),
    new: '{"type":"record","name":"R2","namespace":"t","aliases":["R"],"fields":[{"name":"a","type":"int"}]}',
    backward: [],
    forward: [['NAME_MISMATCH', '/name', 'expected: t.R2']],
  },
  {
    name: 'record: renamed without an alias',
    old: rec(field('a', '"int"')),
    new: '{"type":"record","name":"R2","namespace":"t","fields":[{"name":"a","type":"int"}]}',
    backward: [['NAME_MISMATCH', '/name', 'expected: t.R']],
    forward: [['NAME_MISMATCH', '/name', 'expected: t.R2']],
  },
  {
    name: 'record vs enum',
    old: rec(field('x', '{"type":"record","name":"X","fields":[]}')),
    new: rec(field('x', '{"type":"enum","name":"X","symbols":["A"]}')),
    backward: [[MISMATCH, '/fields/0/type', 'reader type: ENUM not compatible with writer type: RECORD']],
    forward: [[MISMATCH, '/fields/0/type', 'reader type: RECORD not compatible with writer type: ENUM']],
  },
  {
    name: 'nested record: add a field without a default',
    old: rec(field('n', '{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]}')),
    new: rec(
      field(
        'n',
        '{"type":"record","name":"N","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}',
      ),
    ),
    backward: [[MISSING, '/fields/0/type/fields/1', 'y']],
    forward: [],
  },
  {
    name: 'nested record in an array in a map: type change deep inside',
    old: rec(
      field(
        'm',
        '{"type":"map","values":{"type":"array","items":{"type":"record","name":"N","fields":[{"name":"x","type":"int"}]}}}',
      ),
    ),
    new: rec(
      field(
        'm',
        '{"type":"map","values":{"type":"array","items":{"type":"record","name":"N","fields":[{"name":"x","type":"string"}]}}}',
      ),
    ),
    backward: [[MISMATCH, '/fields/0/type/values/items/fields/0/type']],
    forward: [[MISMATCH, '/fields/0/type/values/items/fields/0/type']],
  },
  {
    name: 'array items promoted',
    old: rec(field('a', '{"type":"array","items":"int"}')),
    new: rec(field('a', '{"type":"array","items":"long"}')),
    backward: [],
    forward: [[MISMATCH, '/fields/0/type/items', 'reader type: INT not compatible with writer type: LONG']],
  },
  {
    name: 'array becomes map',
    old: rec(field('a', '{"type":"array","items":"int"}')),
    new: rec(field('a', '{"type":"map","values":"int"}')),
    backward: [[MISMATCH, '/fields/0/type', 'reader type: MAP not compatible with writer type: ARRAY']],
    forward: [[MISMATCH, '/fields/0/type', 'reader type: ARRAY not compatible with writer type: MAP']],
  },
  {
    name: 'recursive linked list: value promoted',
    old: list('"int"'),
    new: list('"long"'),
    backward: [],
    forward: [[MISMATCH, '/fields/0/type', 'reader type: INT not compatible with writer type: LONG']],
  },
  {
    name: 'recursive linked list: add a field without a default',
    old: list('"int"'),
    new: '{"type":"record","name":"Node","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null},{"name":"tag","type":"string"}]}',
    backward: [[MISSING, '/fields/2', 'tag']],
    forward: [],
  },
  {
    name: 'mutually recursive records: change deep in the cycle',
    old: '{"type":"record","name":"A","fields":[{"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]},{"name":"n","type":"int"}]}]}]}',
    new: '{"type":"record","name":"A","fields":[{"name":"b","type":["null",{"type":"record","name":"B","fields":[{"name":"a","type":["null","A"]},{"name":"n","type":"string"}]}]}]}',
    backward: [['MISSING_UNION_BRANCH', '/fields/0/type/1', 'reader union lacking writer type: RECORD']],
    forward: [['MISSING_UNION_BRANCH', '/fields/0/type/1', 'reader union lacking writer type: RECORD']],
  },
  {
    name: 'map values promoted',
    old: rec(field('m', '{"type":"map","values":"int"}')),
    new: rec(field('m', '{"type":"map","values":"long"}')),
    backward: [],
    forward: [[MISMATCH, '/fields/0/type/values', 'reader type: INT not compatible with writer type: LONG']],
  },
  {
    name: 'enum symbols reordered, docs and field defaults changed',
    old: rec(field('e', enumT(['A', 'B'])), field('s', '"string"', ',"default":"x","doc":"old"')),
    new: rec(field('e', enumT(['B', 'A'])), field('s', '"string"', ',"default":"y","doc":"new"')),
    backward: [],
    forward: [],
  },
  {
    name: 'nested named type moved to another namespace (Avro compares unqualified names)',
    old: rec(field('n', '{"type":"record","name":"a.N","fields":[]}')),
    new: rec(field('n', '{"type":"record","name":"b.N","fields":[]}')),
    backward: [],
    forward: [],
  },
  {
    name: 'union of records: a record branch gains a field with a default',
    old: rec(
      field(
        'u',
        '["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}]',
        ',"default":null',
      ),
    ),
    new: rec(
      field(
        'u',
        '["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"},{"name":"y","type":"int","default":0}]}]',
        ',"default":null',
      ),
    ),
    backward: [],
    forward: [],
  },
  {
    name: 'union of records: a record branch gains a field without a default',
    old: rec(
      field(
        'u',
        '["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}]',
        ',"default":null',
      ),
    ),
    new: rec(
      field(
        'u',
        '["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}]',
        ',"default":null',
      ),
    ),
    backward: [['MISSING_UNION_BRANCH', '/fields/0/type/1', 'reader union lacking writer type: RECORD']],
    forward: [],
  },
  {
    name: 'top-level primitive promoted',
    old: '"int"',
    new: '"long"',
    backward: [],
    forward: [[MISMATCH, '/', 'reader type: INT not compatible with writer type: LONG']],
  },
  {
    name: 'top-level union of records gains a record',
    old: '[{"type":"record","name":"A","fields":[]}]',
    new: '[{"type":"record","name":"A","fields":[]},{"type":"record","name":"B","fields":[]}]',
    backward: [],
    forward: [['MISSING_UNION_BRANCH', '/1', 'reader union lacking writer type: RECORD']],
  },
]

const levelsExpect = (c: Case, level: CompatibilityLevel): boolean => {
  if (level === 'NONE') return true
  const b = c.backward.length === 0
  const f = c.forward.length === 0
  if (level.startsWith('BACKWARD')) return b
  if (level.startsWith('FORWARD')) return f
  return b && f
}

const shape = (
  issues: ReadonlyArray<{ type: string; path: string; additionalInfo: string }>,
  expected: Expected,
) =>
  issues.map((i, k) =>
    expected[k]?.[2] === undefined ? [i.type, i.path] : [i.type, i.path, i.additionalInfo],
  )

describe('compatibility rules (every case at every level)', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      const oldS = parseAvroSchema(c.old)
      const newS = parseAvroSchema(c.new)

      it('reader/writer issues in both directions', () => {
        const back = checkReaderWriter(newS, oldS)
        expect(shape(back, c.backward)).toEqual(c.backward.map((e) => [...e]))
        const fwd = checkReaderWriter(oldS, newS)
        expect(shape(fwd, c.forward)).toEqual(c.forward.map((e) => [...e]))
      })

      for (const level of COMPATIBILITY_LEVELS) {
        it(`${level}: ${levelsExpect(c, level) ? 'compatible' : 'incompatible'}`, () => {
          const result = checkCompatibility(newS, [oldS], level)
          expect(result.compatible).toBe(levelsExpect(c, level))
          expect(result.messages).toHaveLength(result.issues.length)
          if (result.compatible) {
            expect(result.issues).toEqual([])
            expect(result.incompatibleWith).toBeUndefined()
            return
          }
          expect(result.incompatibleWith).toBe(0)
          // FULL reports the BACKWARD issues (reader = new) first, then the FORWARD ones (reader = old).
          const expected = [
            ...(level.startsWith('FORWARD') ? [] : c.backward.map((e) => ({ e, reader: 'new' }))),
            ...(level.startsWith('BACKWARD') ? [] : c.forward.map((e) => ({ e, reader: 'old' }))),
          ]
          expect(result.issues.map((i) => [i.type, i.path, i.reader])).toEqual(
            expected.map(({ e, reader }) => [e[0], e[1], reader]),
          )
          for (const [k, issue] of result.issues.entries()) {
            const msg = result.messages[k]!
            expect(msg).toBe(confluentMessage(issue))
            expect(msg.startsWith(`{errorType:'${issue.type}', description:'`)).toBe(true)
            expect(msg).toContain(`'${issue.path}'`)
            const readerSide = issue.reader === 'new' ? 'new' : 'old'
            if (issue.type !== 'NAME_MISMATCH') expect(issue.message).toContain(`${readerSide} schema`)
          }
        })
      }
    })
  }
})

describe('Confluent message format', () => {
  it('matches the verbose strings Confluent returns', () => {
    const v1 = parseAvroSchema(rec(field('seq', '"int"')))
    const v2 = parseAvroSchema(rec(field('seq', '"int"'), field('custid', '"string"')))
    expect(checkCompatibility(v2, [v1], 'BACKWARD').messages).toEqual([
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'custid' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'custid'}",
    ])
    const v3 = parseAvroSchema(rec(field('seq', '"string"')))
    expect(checkCompatibility(v3, [v1], 'BACKWARD').messages).toEqual([
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}",
    ])
    const v4 = parseAvroSchema(rec())
    expect(checkCompatibility(v4, [v1], 'FORWARD').messages).toEqual([
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'seq' at path '/fields/0' in the old schema has no default value and is missing in the new schema', additionalInfo:'seq'}",
    ])
    expect(confluentTrailer(1, v1, 'BACKWARD')).toEqual([
      '{oldSchemaVersion: 1}',
      `{oldSchema: '{"type":"record","name":"R","namespace":"t","fields":[{"name":"seq","type":"int"}]}'}`,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ])
  })

  it('checkReaderWriter names the sides reader and writer, and carries both sub-schemas', () => {
    const reader = parseAvroSchema(rec(field('a', '"int"')))
    const writer = parseAvroSchema(rec(field('a', '"string"')))
    const [issue, ...rest] = checkReaderWriter(reader, writer)
    expect(rest).toEqual([])
    expect(issue?.message).toBe(
      "The type (path '/fields/0/type') of a field in the reader schema does not match with the writer schema",
    )
    expect(issue?.readerSchema).toBe('"int"')
    expect(issue?.writerSchema).toBe('"string"')
  })
})

describe('transitive levels check every version, plain levels only the latest', () => {
  const v = (...fields: string[]) => parseAvroSchema(rec(...fields))

  it('BACKWARD vs BACKWARD_TRANSITIVE', () => {
    const v1 = v(field('a', '"int"'))
    const v2 = v(field('a', '"int"'), field('b', '"string"', ',"default":"x"'))
    const v3 = v(field('a', '"int"'), field('b', '"string"'))
    expect(checkCompatibility(v3, [v1, v2], 'BACKWARD').compatible).toBe(true)
    const t = checkCompatibility(v3, [v1, v2], 'BACKWARD_TRANSITIVE')
    expect(t.compatible).toBe(false)
    expect(t.incompatibleWith).toBe(0)
    expect(t.issues.map((i) => [i.type, i.path])).toEqual([[MISSING, '/fields/1']])
  })

  it('FORWARD vs FORWARD_TRANSITIVE, FULL vs FULL_TRANSITIVE', () => {
    const v1 = v(field('a', '"int"'), field('b', '"string"'))
    const v2 = v(field('a', '"int"'), field('b', '"string"', ',"default":"x"'))
    const v3 = v(field('a', '"int"'))
    expect(checkCompatibility(v3, [v1, v2], 'FORWARD').compatible).toBe(true)
    expect(checkCompatibility(v3, [v1, v2], 'FULL').compatible).toBe(true)
    for (const level of ['FORWARD_TRANSITIVE', 'FULL_TRANSITIVE'] as const) {
      const t = checkCompatibility(v3, [v1, v2], level)
      expect(t.compatible).toBe(false)
      expect(t.incompatibleWith).toBe(0)
      expect(t.issues.map((i) => [i.type, i.path, i.reader])).toEqual([[MISSING, '/fields/1', 'old']])
    }
  })

  it('transitive stops at the newest failing version', () => {
    const v1 = v(field('a', '"int"'))
    const v2 = v(field('a', '"int"'))
    const v3 = v(field('a', '"string"'))
    const t = checkCompatibility(v3, [v1, v2], 'BACKWARD_TRANSITIVE')
    expect(t.incompatibleWith).toBe(1)
    expect(t.issues).toHaveLength(1)
  })

  it('NONE and an empty history always pass', () => {
    const a = v(field('a', '"int"'))
    const b = v(field('a', '"string"'))
    expect(checkCompatibility(b, [a], 'NONE')).toMatchObject({ compatible: true, messages: [], issues: [] })
    for (const level of COMPATIBILITY_LEVELS) expect(checkCompatibility(b, [], level).compatible).toBe(true)
  })
})

describe('deep schemas', () => {
  it('a change 900 arrays deep is found, with its full path', () => {
    const nested = (leaf: string) => '{"type":"array","items":'.repeat(900) + leaf + '}'.repeat(900)
    const r = checkCompatibility(
      parseAvroSchema(nested('"string"')),
      [parseAvroSchema(nested('"int"'))],
      'BACKWARD',
    )
    expect(r.issues.map((i) => [i.type, i.path])).toEqual([
      [MISMATCH, `/${Array(900).fill('items').join('/')}`],
    ])
  })
})

describe('levels', () => {
  it('lists the seven Confluent levels and recognises only them', () => {
    expect(COMPATIBILITY_LEVELS).toEqual([
      'NONE',
      'BACKWARD',
      'BACKWARD_TRANSITIVE',
      'FORWARD',
      'FORWARD_TRANSITIVE',
      'FULL',
      'FULL_TRANSITIVE',
    ])
    for (const l of COMPATIBILITY_LEVELS) expect(isCompatibilityLevel(l)).toBe(true)
    for (const x of ['backward', 'FULL_TRANSITIVE ', '', null, 1, undefined, {}])
      expect(isCompatibilityLevel(x)).toBe(false)
  })
})

describe('references in compatibility', () => {
  it('a type from a reference is resolved and compared', () => {
    const ref = (symbols: string[]) => ({
      name: 'com.x.Status',
      subject: 'status',
      version: 1,
      schema: `{"type":"enum","name":"Status","namespace":"com.x","symbols":${JSON.stringify(symbols)}}`,
    })
    const text = rec(field('s', '"com.x.Status"'))
    const old: ParsedAvroSchema = parseAvroSchema(text, { references: [ref(['A', 'B'])] })
    const neu = parseAvroSchema(text, { references: [ref(['A'])] })
    expect(old.canonical).toBe(neu.canonical)
    const r = checkCompatibility(neu, [old], 'BACKWARD')
    expect(r.issues.map((i) => [i.type, i.path, i.additionalInfo])).toEqual([
      ['MISSING_ENUM_SYMBOLS', '/fields/0/type/symbols', '[B]'],
    ])
  })
})
