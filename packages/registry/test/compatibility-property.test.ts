import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { COMPATIBILITY_LEVELS, checkCompatibility } from '../src/compatibility'
import { parseAvroSchema } from '../src/schema'

/** A schema shape; names are given afterwards so that every named type is unique. */
type Shape =
  | { k: 'prim'; t: Prim }
  | { k: 'record'; fields: Shape[]; selfRef: boolean; withDefaults: boolean }
  | { k: 'enum'; symbols: number; withDefault: boolean }
  | { k: 'fixed'; size: number }
  | { k: 'array'; items: Shape }
  | { k: 'map'; values: Shape }
  | { k: 'union'; prims: Prim[]; record: Shape | null }

type Prim = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'
const PRIMS: Prim[] = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']
const DEFAULTS: Record<Prim, unknown> = {
  null: null,
  boolean: true,
  int: -7,
  long: 12,
  float: 1.5,
  double: 2,
  bytes: '\u00ff',
  string: 'x',
}

const prim = fc.constantFrom(...PRIMS).map((t): Shape => ({ k: 'prim', t }))
const { node } = fc.letrec<{ node: Shape; record: Shape; nonUnion: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    tie('nonUnion'),
    tie('nonUnion'),
    fc.record({
      k: fc.constant('union' as const),
      prims: fc.uniqueArray(fc.constantFrom(...PRIMS), { minLength: 1, maxLength: 4 }),
      record: fc.option(tie('record'), { nil: null }),
    }),
  ),
  nonUnion: fc.oneof(
    { depthSize: 'small' },
    prim,
    tie('record'),
    fc.record({
      k: fc.constant('enum' as const),
      symbols: fc.integer({ min: 1, max: 5 }),
      withDefault: fc.boolean(),
    }),
    fc.record({ k: fc.constant('fixed' as const), size: fc.integer({ min: 0, max: 32 }) }),
    fc.record({ k: fc.constant('array' as const), items: tie('node') }),
    fc.record({ k: fc.constant('map' as const), values: tie('node') }),
  ),
  record: fc.record({
    k: fc.constant('record' as const),
    fields: fc.array(tie('node'), { maxLength: 4 }),
    selfRef: fc.boolean(),
    withDefaults: fc.boolean(),
  }),
}))

function toJson(root: Shape): unknown {
  let n = 0
  const build = (s: Shape): unknown => {
    switch (s.k) {
      case 'prim':
        return s.t
      case 'enum': {
        const symbols = Array.from({ length: s.symbols }, (_, k) => `S${k}`)
        return { type: 'enum', name: `E${n++}`, symbols, ...(s.withDefault ? { default: 'S0' } : {}) }
      }
      case 'fixed':
        return { type: 'fixed', name: `F${n++}`, namespace: 'fx', size: s.size }
      case 'array':
        return { type: 'array', items: build(s.items) }
      case 'map':
        return { type: 'map', values: build(s.values) }
      case 'union':
        return [...s.prims, ...(s.record ? [build(s.record)] : [])]
      case 'record': {
        const name = `R${n++}`
        const fields: unknown[] = s.fields.map((f, k) => {
          const field: Record<string, unknown> = { name: `f${k}`, type: build(f) }
          if (s.withDefaults && f.k === 'prim') field.default = DEFAULTS[f.t]
          if (s.withDefaults && f.k === 'union') field.default = DEFAULTS[f.prims[0]!]
          return field
        })
        if (s.selfRef) fields.push({ name: 'self', type: ['null', name], default: null })
        return { type: 'record', name, namespace: `ns${n % 3}`, fields }
      }
    }
  }
  return build(root)
}

describe('property: every schema is compatible with itself', { timeout: 120_000 }, () => {
  it('at every level, also against its canonical and normalized forms', () => {
    fc.assert(
      fc.property(node, (shape) => {
        const text = JSON.stringify(toJson(shape))
        const p = parseAvroSchema(text)
        const canonical = parseAvroSchema(p.canonical)
        const normalized = parseAvroSchema(p.normalized)
        expect(() => JSON.parse(p.canonical)).not.toThrow()
        expect(() => JSON.parse(p.normalized)).not.toThrow()
        expect(canonical.canonical).toBe(p.canonical)
        expect(normalized.normalized).toBe(p.normalized)
        for (const level of COMPATIBILITY_LEVELS) {
          expect(checkCompatibility(p, [p], level).issues).toEqual([])
          expect(checkCompatibility(p, [canonical, normalized], level).issues).toEqual([])
          expect(checkCompatibility(normalized, [p, canonical], level).issues).toEqual([])
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('property: adding a record field', { timeout: 120_000 }, () => {
  const recordShape = fc.record({
    k: fc.constant('record' as const),
    fields: fc.array(node, { maxLength: 3 }),
    selfRef: fc.boolean(),
    withDefaults: fc.boolean(),
  })

  it('with a default keeps FULL_TRANSITIVE; without one breaks BACKWARD only', () => {
    fc.assert(
      fc.property(recordShape, fc.constantFrom(...PRIMS.filter((t) => t !== 'null')), (shape, t) => {
        const old = toJson(shape) as { fields: unknown[] }
        const withDefault = {
          ...old,
          fields: [...old.fields, { name: 'added', type: t, default: DEFAULTS[t] }],
        }
        const without = { ...old, fields: [...old.fields, { name: 'added', type: t }] }
        const o = parseAvroSchema(JSON.stringify(old))
        expect(
          checkCompatibility(parseAvroSchema(JSON.stringify(withDefault)), [o], 'FULL_TRANSITIVE').compatible,
        ).toBe(true)
        const w = parseAvroSchema(JSON.stringify(without))
        const back = checkCompatibility(w, [o], 'BACKWARD')
        expect(back.issues.map((i) => [i.type, i.path, i.additionalInfo])).toEqual([
          ['READER_FIELD_MISSING_DEFAULT_VALUE', `/fields/${old.fields.length}`, 'added'],
        ])
        expect(checkCompatibility(w, [o], 'FORWARD').compatible).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})
