import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMPATIBILITY_LEVELS, checkCompatibility } from '../src/compatibility'
import { RegistrySchemaError } from '../src/errors'
import { type ParsedAvroSchema, parseAvroSchema } from '../src/schema'

/** Parses, or returns the typed error; any other throw fails the property. */
function attempt(text: string): ParsedAvroSchema | RegistrySchemaError {
  try {
    return parseAvroSchema(text)
  } catch (e) {
    if (e instanceof RegistrySchemaError) return e
    throw e
  }
}

// Schema-shaped JSON: the keys and words Avro uses, mixed with anything.
const word = fc.constantFrom(
  'record',
  'enum',
  'fixed',
  'array',
  'map',
  'null',
  'int',
  'long',
  'string',
  'bytes',
  'float',
  'double',
  'boolean',
  'R',
  'E',
  'a.b.R',
  'x',
  '',
)
const { value: schemaish } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    word,
    fc.integer({ min: -3, max: 40 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'type',
        'name',
        'namespace',
        'fields',
        'items',
        'values',
        'symbols',
        'size',
        'default',
        'aliases',
        'doc',
        'order',
        'logicalType',
      ),
      tie('value'),
      { maxKeys: 6 },
    ),
  ),
}))

describe('fuzz: bad input gets a typed error, never a crash', { timeout: 120_000 }, () => {
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        attempt(text)
      }),
      { numRuns: 500 },
    )
  })

  it('arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        attempt(text)
      }),
      { numRuns: 500 },
    )
  })

  it('schema-shaped JSON: accepted ones are self-consistent and self-compatible', () => {
    fc.assert(
      fc.property(schemaish, (value) => {
        const result = attempt(JSON.stringify(value))
        if (result instanceof RegistrySchemaError) {
          expect(result.code).toBe('KAFKIT_REGISTRY_INVALID_SCHEMA')
          expect(result.message).toMatch(/^Invalid Avro schema/)
          return
        }
        expect(parseAvroSchema(result.canonical).canonical).toBe(result.canonical)
        for (const level of COMPATIBILITY_LEVELS)
          expect(checkCompatibility(result, [result], level).compatible).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })

  it('truncations of a real schema', () => {
    const text =
      '{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":["null",{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}],"default":null},{"name":"b","type":{"type":"map","values":{"type":"fixed","name":"F","size":2}},"default":{"k":"ab"}}]}'
    expect(attempt(text)).not.toBeInstanceOf(RegistrySchemaError)
    for (let cut = 0; cut < text.length; cut++)
      expect(attempt(text.slice(0, cut))).toBeInstanceOf(RegistrySchemaError)
  })
})
