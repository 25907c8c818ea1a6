import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { AvroSerdeDescriptor } from '@kafkit/common'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { corpus, fixtures, generateInto, tempProject } from './helpers'

/*
 * For every named type of every fixture: random values from avsc (`type.random()`) pass the generated
 * zod schema and round-trip through avsc; mutated values (a field replaced by an alien value) are
 * accepted by zod exactly when avsc's `isValid` accepts them, so invalid ones are rejected by both.
 */

type AnySerde = AvroSerdeDescriptor<unknown, unknown>

const inputs: { name: string; options: Parameters<typeof generateInto>[1] }[] = [
  { name: 'own all-constructs', options: { schemas: join(fixtures, 'all-constructs') } },
  { name: 'own bigint', options: { schemas: join(fixtures, 'bigint'), longMode: 'bigint' } },
  ...readdirSync(corpus)
    .filter((f) => f.endsWith('.avsc') && f !== 'apache-avro--cpp-large_schema.avsc')
    .map((f) => ({ name: f, options: { schemas: join(corpus, f) } })),
  ...readdirSync(join(corpus, 'multi-file')).map((d) => ({
    name: `multi-file/${d}`,
    options: { schemas: join(corpus, 'multi-file', d) },
  })),
  ...['apache-avro--nestedNullable.avdl', 'kafkajs-csr--complex.avdl'].map((f) => ({
    name: `idl/${f}`,
    options: { schemas: join(corpus, 'idl', f) },
  })),
]

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
]

/** avsc's `random()` recurses without bound on some recursive types; those draws are skipped. */
function randomValue(type: AnySerde['type']): { value: unknown } | undefined {
  try {
    return { value: type.random() }
  } catch (error) {
    if (error instanceof RangeError) return undefined
    throw error
  }
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

describe('zod schemas agree with avsc on random and mutated values', { timeout: 60_000 }, () => {
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
    let skipped = 0
    for (const { name, serdes } of loaded) {
      for (const [serdeName, serde] of serdes) {
        const type = serde.type
        for (let i = 0; i < 15; i++) {
          const drawn = randomValue(type)
          if (!drawn) {
            skipped++
            continue
          }
          const value = drawn.value
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
    expect(checked).toBeGreaterThan(1000)
    expect(skipped).toBeLessThan(checked / 10)
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
              if (!drawn) return
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
    expect(rejected).toBeGreaterThan(1000)
    expect(accepted).toBeGreaterThan(10)
  })
})
