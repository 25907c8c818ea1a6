import { join } from 'node:path'
import type { AvroSerdeDescriptor } from '@kafkit/common'
import Big from 'big.js'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeAvro } from '../../client/src/serdes/avro'
import { readerOf } from '../../client/src/serdes/avro-reader'
import { readValue } from '../../client/src/serdes/avro-tap'
import {
  type AvroCorpus,
  describeExternalCorpus,
  kafkitFixtures,
} from '../../common/test/fixtures/avro-corpora'
import { randomAvroValue } from '../../common/test/fixtures/random-avro-value'
import { corpusInputs, fixtures, generateInto, tempProject } from './helpers'

/*
 * For every named type of every fixture: random values from avsc (`type.random()`) pass the generated
 * zod schema and round-trip through avsc; mutated values (a field replaced by an alien value) are
 * accepted by zod exactly when avsc's `isValid` accepts them, so invalid ones are rejected by both.
 * The descriptors' `fastCheck` (the producer's happy path) answers as zod does on values changed
 * anywhere inside, and what it accepts encodes to the same bytes as zod's output. Kafkit's own writer and
 * reader (compiled per schema in @kafkit/client) write avsc's bytes and read back avsc's values.
 */

type AnySerde = AvroSerdeDescriptor<unknown, unknown>

type Input = { name: string; options: Parameters<typeof generateInto>[1] }

/** Left out on purpose, with the reason; generate.test.ts still generates them. */
const EXCLUDED: Record<string, string> = {
  'apache-avro--cpp-large_schema.avsc':
    '441 generated types: importing them and drawing 15 values each takes minutes on 2 cores',
}

const inputsOf = (corpus: AvroCorpus): Input[] =>
  corpusInputs(corpus)
    .filter((i) => !EXCLUDED[i.name])
    .map((i) => ({ name: i.name, options: { schemas: i.schemas } }))

const ALIENS: unknown[] = [
  undefined,
  null,
  'x',
  '2020-13-01',
  '3f1c2a9e-8c47-4b8e-9d6a-2b1f0c3d4e5f',
  '12.345',
  1.5,
  -1,
  2 ** 60,
  Number.NaN,
  true,
  {},
  [],
  Buffer.alloc(3),
  new Date(Number.NaN),
  new Date(0),
  5n,
  new Big('12.345'),
  new Big('-1e40'),
  new Big('0'),
]

/** Depth-bounded: avsc's own `random()` overflows the stack on recursive types. */
function randomValue(type: AnySerde['type']): { value: unknown } {
  return { value: randomAvroValue(type) }
}

/** avsc throws (instead of answering false) on some alien values, e.g. a bigint for an int: that is a rejection. */
function avscAccepts(type: AnySerde['type'], value: unknown): boolean {
  try {
    return type.isValid(value)
  } catch {
    return false
  }
}

function serdesOf(modules: Record<string, unknown>): [string, AnySerde][] {
  const out: [string, AnySerde][] = []
  for (const mod of Object.values(modules)) {
    if (typeof mod !== 'object' || mod === null) continue
    for (const [name, value] of Object.entries(mod)) {
      if (name.endsWith('Serde') && (value as { kind?: string }).kind === 'avro')
        out.push([name, value as AnySerde])
    }
  }
  return out
}

function propertySuite(inputs: readonly Input[]): void {
  const project = tempProject()
  const loaded: { name: string; serdes: [string, AnySerde][] }[] = []
  beforeAll(async () => {
    for (const [i, input] of inputs.entries()) {
      const dir = join(project.dir, `p${i}`)
      await generateInto(dir, input.options)
      const mod = (await import(join(dir, 'index.ts'))) as Record<string, unknown>
      loaded.push({ name: input.name, serdes: serdesOf(mod) })
    }
  }, 120_000)
  afterAll(() => project.cleanup())

  it('covers every fixture', () => {
    expect(loaded.length).toBe(inputs.length)
    for (const l of loaded) expect(l.serdes.length, l.name).toBeGreaterThan(0)
  })

  it('random values: zod accepts, avsc round-trips', () => {
    let checked = 0
    for (const { name, serdes } of loaded) {
      for (const [serdeName, serde] of serdes) {
        const type = serde.type
        for (let i = 0; i < 15; i++) {
          const value = randomValue(type).value
          const where = `${name} ${serdeName}`
          expect(type.isValid(value), where).toBe(true)
          const parsed = serde.validator.safeParse(value)
          expect(parsed.success, `${where}: ${parsed.error?.message}`).toBe(true)
          const buf = type.toBuffer(value)
          expect(type.toBuffer(type.fromBuffer(buf)).equals(buf), where).toBe(true)
          // What zod hands back encodes to the same bytes.
          expect(type.toBuffer(parsed.data).equals(buf), where).toBe(true)
          checked++
        }
      }
    }
    expect(checked).toBeGreaterThan(inputs.length * 15)
  })

  it('mutated values: zod rejects exactly what avsc rejects', () => {
    let rejected = 0
    let accepted = 0
    for (const { name, serdes } of loaded) {
      for (const [serdeName, serde] of serdes) {
        const type = serde.type as typeof serde.type & { fields?: { name: string }[] }
        fc.assert(
          fc.property(fc.nat(), fc.constantFrom(...ALIENS), (pick, alien) => {
            let mutated: unknown = alien
            if (type.fields && type.fields.length > 0) {
              const drawn = randomValue(type)
              const field = type.fields[pick % type.fields.length]!.name
              mutated = { ...(drawn.value as object), [field]: alien }
            }
            const avsc = avscAccepts(type, mutated)
            const zod = serde.validator.safeParse(mutated).success
            if (avsc) accepted++
            else rejected++
            expect(zod, `${name} ${serdeName} ${String(alien)}`).toBe(avsc)
          }),
          { numRuns: 40 },
        )
      }
    }
    expect(rejected).toBeGreaterThan(inputs.length * 20)
    expect(accepted).toBeGreaterThan(0)
  })

  it("the fast check answers as avsc's isValid on values changed anywhere inside", () => {
    let accepted = 0
    let rejected = 0
    for (const { name, serdes } of loaded) {
      for (const [serdeName, serde] of serdes) {
        fc.assert(
          fc.property(
            fc.nat(),
            fc.constantFrom('keep', 'replace', 'omit', 'extra'),
            fc.constantFrom(...ALIENS),
            (pick, how, alien) => {
              const value = mutateDeep(randomValue(serde.type).value, pick, how, alien)
              const fast = serde.fastCheck!(value)
              expect(fast, `${name} ${serdeName} ${how} ${String(alien)}`).toBe(
                avscAccepts(serde.type, value),
              )
              if (fast) accepted++
              else rejected++
            },
          ),
          { numRuns: 200 },
        )
      }
    }
    expect(accepted).toBeGreaterThan(inputs.length * 20)
    expect(rejected).toBeGreaterThan(inputs.length * 20)
  })

  it("Kafkit's compiled writer and reader give avsc's bytes and values", () => {
    let checked = 0
    let restrung = 0
    for (const { name, serdes } of loaded) {
      for (const [serdeName, serde] of serdes) {
        const type = serde.type
        const read = readerOf(type)
        fc.assert(
          fc.property(fc.array(TEXT, { minLength: 8, maxLength: 8 }), (texts) => {
            const drawn = randomValue(type).value
            // The same value with its strings replaced by others (non-ASCII, long), where still valid.
            const other = restring(drawn, texts)
            for (const value of type.isValid(other) ? [drawn, other] : [drawn]) {
              const where = `${name} ${serdeName}`
              const theirs = type.toBuffer(value)
              const ours = encodeAvro(type, 0x01020304, value)
              expect(ours.subarray(0, 5).toString('hex'), where).toBe('0001020304')
              expect(ours.subarray(5).equals(theirs), where).toBe(true)
              expect(readValue(read, ours, 5), where).toStrictEqual(type.fromBuffer(theirs))
              checked++
              if (value === other) restrung++
            }
          }),
          { numRuns: 15 },
        )
      }
    }
    expect(checked).toBeGreaterThan(inputs.length * 15)
    expect(restrung).toBeGreaterThan(inputs.length)
  })

  it('fast check (the producer happy path) and zod accept the same values, which encode to the same bytes', () => {
    let accepted = 0
    let rejected = 0
    for (const { name, serdes } of loaded) {
      for (const [serdeName, serde] of serdes) {
        const fastCheck = serde.fastCheck
        expect(fastCheck, `${name} ${serdeName} has no fastCheck`).toBeTypeOf('function')
        fc.assert(
          fc.property(
            fc.nat(),
            fc.constantFrom('keep', 'replace', 'omit', 'extra'),
            fc.constantFrom(...ALIENS),
            (pick, how, alien) => {
              const value = mutateDeep(randomValue(serde.type).value, pick, how, alien)
              const fast = fastCheck!(value)
              const parsed = serde.validator.safeParse(value)
              const where = `${name} ${serdeName} ${how} ${String(alien)}`
              expect(fast, where).toBe(parsed.success)
              if (!parsed.success) {
                rejected++
                return
              }
              accepted++
              // The fast path encodes the caller's value, the slow path zod's output: same bytes.
              expect(serde.type.toBuffer(value).equals(serde.type.toBuffer(parsed.data)), where).toBe(true)
            },
          ),
          { numRuns: 40 },
        )
      }
    }
    expect(accepted).toBeGreaterThan(inputs.length * 10)
    expect(rejected).toBeGreaterThan(inputs.length * 10)
  })
}

const TEXT = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 70 }),
  fc.constantFrom('é', '€😀', '\ud800x', 'x'.repeat(64), 'ü'.repeat(2731)),
)

/** A deep copy of `value` whose strings (not map keys) are `texts`, in turn. */
function restring(value: unknown, texts: string[]): unknown {
  let i = 0
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return texts[i++ % texts.length]
    if (Array.isArray(v)) return v.map(walk)
    if (typeof v !== 'object' || v === null || Buffer.isBuffer(v) || v instanceof Date) return v
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]))
  }
  return walk(value)
}

/**
 * A random place anywhere inside `value` (records, maps, arrays, wrapped unions, at any depth) gets
 * `alien` (replace), loses its last key (omit: a field with a default may be left out) or gains an
 * undeclared key (extra); keep leaves the value valid.
 */
function mutateDeep(value: unknown, pick: number, how: string, alien: unknown): unknown {
  if (how === 'keep') return value
  const containers: (Record<string, unknown> | unknown[])[] = []
  const walk = (v: unknown): void => {
    // Values of a class (Date, big.js Big, shared in ALIENS) are leaves: a Big with its exponent replaced
    // by 2**60 would make toFixed() build a string of that many zeros.
    if (typeof v !== 'object' || v === null || Buffer.isBuffer(v) || v instanceof Date || v instanceof Big)
      return
    containers.push(v as Record<string, unknown>)
    for (const child of Object.values(v)) walk(child)
  }
  walk(value)
  if (containers.length === 0) return how === 'replace' ? alien : value
  const target = containers[pick % containers.length]!
  const keys = Object.keys(target)
  if (how === 'extra') (target as Record<string, unknown>).__extra = alien
  else if (keys.length === 0) return value
  else if (how === 'omit') delete (target as Record<string, unknown>)[keys[keys.length - 1]!]
  else (target as Record<string, unknown>)[keys[pick % keys.length]!] = alien
  return value
}

describe(
  `zod schemas agree with avsc on random and mutated values: ${kafkitFixtures.label}`,
  { timeout: 60_000 },
  () =>
    propertySuite([
      { name: 'own all-constructs', options: { schemas: join(fixtures, 'all-constructs') } },
      { name: 'own bigint', options: { schemas: join(fixtures, 'bigint'), longMode: 'bigint' } },
      {
        name: 'own big-decimals (big.js)',
        options: { schemas: join(fixtures, 'big-decimals'), logicalTypes: { decimal: 'big.js' } },
      },
      {
        name: 'logical-types.avsc (big.js)',
        options: {
          schemas: join(kafkitFixtures.dir, 'logical-types.avsc'),
          logicalTypes: { decimal: 'big.js' },
        },
      },
      ...inputsOf(kafkitFixtures),
      ...inputsOf(kafkitFixtures).map((i) => ({
        name: `${i.name} (bigint)`,
        options: { ...i.options, longMode: 'bigint' as const },
      })),
    ]),
)
describeExternalCorpus(
  'zod schemas agree with avsc on random and mutated values',
  (corpus) => propertySuite(inputsOf(corpus)),
  { timeout: 60_000 },
)
