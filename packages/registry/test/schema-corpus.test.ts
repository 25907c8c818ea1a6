import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import {
  type AvroCorpus,
  describeExternalCorpus,
  kafkitFixtures,
} from '../../common/test/fixtures/avro-corpora'
import { COMPATIBILITY_LEVELS, checkCompatibility } from '../src/compatibility'
import { type AvroSchemaReference, type ParsedAvroSchema, parseAvroSchema } from '../src/schema'

const reader = (corpus: AvroCorpus) => (rel: string) => readFileSync(join(corpus.dir, rel), 'utf8')

/** Adds whitespace between JSON tokens without touching them (JSON.stringify would rewrite 1.0 as 1). */
function spaced(text: string): string {
  let out = ''
  let inString = false
  for (let k = 0; k < text.length; k++) {
    const c = text[k]!
    out += c
    if (inString) {
      if (c === '\\') out += text[++k] ?? ''
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === ',' || c === ':' || c === '{' || c === '[') out += '\n \t '
  }
  return `\r\n  ${out}  \n`
}

/** Parses a set file by file, each one with all earlier files as Confluent schema references. */
function parseSet(corpus: AvroCorpus, set: string): ParsedAvroSchema[] {
  const read = reader(corpus)
  const refs: AvroSchemaReference[] = []
  const parsed: ParsedAvroSchema[] = []
  for (const file of corpus.avscSets[set]!) {
    const text = read(join('multi-file', set, file))
    const p = parseAvroSchema(text, { references: [...refs] })
    parsed.push(p)
    refs.push({ name: p.namedTypes[0]!, subject: `${set}-${file}`, version: 1, schema: text })
  }
  return parsed
}

/** Every single-file schema parses to stable canonical forms that are compatible with it. */
function singleFileSuite(corpus: AvroCorpus): void {
  const read = reader(corpus)
  for (const file of corpus.singleFiles) {
    // The 385 KB stress schema takes seconds on a busy 2-core machine: a generous guard, not a speed check.
    describe(file, { timeout: 120_000 }, () => {
      const text = read(file)
      const parsed = parseAvroSchema(text)

      it('parses, keeps the JSON, and names its named types', () => {
        expect(parsed.type).toBe('AVRO')
        expect(parsed.json).toEqual(JSON.parse(text))
        expect(new Set(parsed.namedTypes).size).toBe(parsed.namedTypes.length)
        for (const name of parsed.namedTypes) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_.]*$/)
      })

      it('canonical and normalized forms are stable fixed points and compile with avsc', () => {
        expect(() => JSON.parse(parsed.canonical)).not.toThrow()
        expect(parseAvroSchema(parsed.canonical).canonical).toBe(parsed.canonical)
        expect(parseAvroSchema(parsed.normalized).normalized).toBe(parsed.normalized)
        expect(parseAvroSchema(parsed.normalized).canonical).toBe(parsed.normalized)
        expect(avsc.Type.forSchema(JSON.parse(parsed.canonical)).typeName).toBe(
          avsc.Type.forSchema(JSON.parse(text)).typeName,
        )
      })

      it('whitespace does not make a new schema', () => {
        const pretty = parseAvroSchema(spaced(text))
        expect(pretty.canonical).toBe(parsed.canonical)
        expect(pretty.fingerprint).toBe(parsed.fingerprint)
      })

      it('is compatible with its canonical and normalized forms at every level', () => {
        const forms = [parseAvroSchema(parsed.canonical), parseAvroSchema(parsed.normalized)]
        for (const level of COMPATIBILITY_LEVELS) {
          expect(checkCompatibility(parsed, forms, level).issues, level).toEqual([])
        }
      })
    })
  }
}

/** Multi-file sets: each file parses with the earlier ones as Confluent schema references. */
function setSuite(corpus: AvroCorpus): void {
  for (const set of Object.keys(corpus.avscSets)) {
    it(`${set}: every file parses with the earlier ones as references`, () => {
      const parsed = parseSet(corpus, set)
      const last = parsed.at(-1)!
      // Referenced types are written by name in the canonical form, never inlined.
      for (const p of parsed.slice(0, -1)) {
        expect(last.namedTypes).not.toContain(p.namedTypes[0])
      }
      for (const p of parsed)
        expect(parseAvroSchema(p.canonical, { references: p.references }).canonical).toBe(p.canonical)
    })
  }
}

describe(`${kafkitFixtures.label}: every single-file schema`, () => {
  const read = reader(kafkitFixtures)
  singleFileSuite(kafkitFixtures)

  it('keeps custom properties on primitives and fields, in place', () => {
    expect(parseAvroSchema(read('namespaces.avsc')).canonical).toContain('"connect.name"')
    expect(parseAvroSchema(read('docs-aliases-props.avsc')).canonical).toContain('"arg.properties"')
  })

  it('a logical type unknown to Avro (fixed-size-string) degrades to its base type but is kept', () => {
    const p = parseAvroSchema(read('logical-types.avsc'))
    expect(p.canonical).toContain(
      '{"type":"bytes","logicalType":"fixed-size-string","minLength":1,"maxLength":50}',
    )
    // Normalized: an unknown logical type is just a property, so it is sorted with the others.
    expect(p.normalized).toContain(
      '{"type":"bytes","logicalType":"fixed-size-string","maxLength":50,"minLength":1}',
    )
  })

  it('same short names in different namespaces are different types', () => {
    const names = parseAvroSchema(read('namespaces.avsc')).namedTypes
    expect(names).toEqual(
      expect.arrayContaining([
        'dev.kafkit.fixtures.cdc.Value',
        'dev.kafkit.fixtures.other.Value',
        'dev.kafkit.fixtures.cdc.Id',
        'dev.kafkit.fixtures.cdc.source.Id',
        'event.block',
      ]),
    )
  })
})

describe(`${kafkitFixtures.label}: multi-file sets as schema references`, () => {
  const read = reader(kafkitFixtures)
  setSuite(kafkitFixtures)

  it('a set file without its references fails with the missing type named', () => {
    const text = read('multi-file/split-interop/Interop.avsc')
    expect(() => parseAvroSchema(text)).toThrowError(
      /unknown type "dev\.kafkit\.fixtures\.interop\.(Kind|MD5|Foo|Node)"/,
    )
  })

  it('interop split into references reads and writes like the single-file interop (FULL_TRANSITIVE)', () => {
    const split = parseSet(kafkitFixtures, 'split-interop').at(-1)!
    const single = parseAvroSchema(read('interop-whole.avsc'))
    expect(split.canonical).not.toBe(single.canonical)
    expect(checkCompatibility(split, [single], 'FULL_TRANSITIVE').issues).toEqual([])
    expect(checkCompatibility(single, [split], 'FULL_TRANSITIVE').issues).toEqual([])
  })

  it('the same text with references of other versions gets another fingerprint', () => {
    const [kind] = parseSet(kafkitFixtures, 'split-interop')
    const text = read('multi-file/split-interop/Foo.avsc')
    const a = parseAvroSchema(text, {
      references: [{ name: 'x', subject: 's', version: 1, schema: '"int"' }],
    })
    const b = parseAvroSchema(text, {
      references: [{ name: 'x', subject: 's', version: 2, schema: '"int"' }],
    })
    expect(kind?.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(a.canonical).toBe(b.canonical)
    expect(a.fingerprint).not.toBe(b.fingerprint)
  })
})

describeExternalCorpus('registry schema parsing over the real-world corpus', (corpus) => {
  const read = reader(corpus)
  it('has the files the README lists', () => {
    expect(corpus.singleFiles.length).toBeGreaterThanOrEqual(37)
  })
  singleFileSuite(corpus)
  setSuite(corpus)

  it('counts named types of the big ones', () => {
    expect(parseAvroSchema(read('schema-registry--AvroMessage.avsc')).namedTypes).toHaveLength(56)
    expect(parseAvroSchema(read('apache-avro--cpp-large_schema.avsc')).namedTypes).toHaveLength(441)
  })

  it('keeps custom properties on primitives and fields, in place (Debezium, datagen)', () => {
    const deb = parseAvroSchema(read('debezium-mysql-customers-Envelope.avsc'))
    expect(deb.canonical).toContain('"connect.name"')
    const click = parseAvroSchema(read('datagen--clickstream_schema.avsc'))
    expect(click.canonical).toContain('"arg.properties"')
  })

  it('interop split into references reads and writes like the single-file interop (FULL_TRANSITIVE)', () => {
    const split = parseSet(corpus, 'interop-split').at(-1)!
    const single = parseAvroSchema(read('apache-avro--interop.avsc'))
    expect(checkCompatibility(split, [single], 'FULL_TRANSITIVE').issues).toEqual([])
    expect(checkCompatibility(single, [split], 'FULL_TRANSITIVE').issues).toEqual([])
  })
})
