import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CodegenError, generate, HEADER, loadSchemaSet } from '@kafkit/codegen'
import { avroSchemaOf, createAvroType, KafkitError } from '@kafkit/common'
import avro from 'avsc'
import { describe, expect, it } from 'vitest'
import {
  type AvroCorpus,
  describeExternalCorpus,
  kafkitFixtures,
} from '../../common/test/fixtures/avro-corpora'
import { fixtures } from './helpers'

/** Every file, set and readable IDL file of a corpus generates. */
function corpusSuite(corpus: AvroCorpus): void {
  it.each(corpus.singleFiles)('%s generates, every file headed "do not edit"', async (file) => {
    const result = await generate({ schemas: join(corpus.dir, file) })
    expect(result.types.length).toBeGreaterThan(0)
    for (const f of result.files) expect(f.contents.startsWith(HEADER)).toBe(true)
  })

  it.each([...Object.keys(corpus.avscSets), ...corpus.idlSets])(
    'multi-file set %s resolves names across files in any order',
    async (set) => {
      const result = await generate({ schemas: join(corpus.dir, 'multi-file', set) })
      expect(result.inputs.length).toBeGreaterThan(1)
      expect(result.types.length).toBeGreaterThan(1)
    },
  )

  it.each(corpus.idlFiles)('IDL %s generates', async (file) => {
    const result = await generate({ schemas: join(corpus.dir, 'idl', file) })
    expect(result.types.length).toBeGreaterThan(0)
  })
}

/** The self-contained schema, assembled from codegen's flattened table, is the type avsc compiled. */
async function expectRebuildsEqual(file: string): Promise<void> {
  const set = await loadSchemaSet([file])
  expect(set.types.size).toBeGreaterThan(0)
  for (const [name, type] of set.types) {
    const rebuilt = createAvroType(avroSchemaOf(name, set.table))
    expect(rebuilt.fingerprint().toString('hex'), name).toBe(type.fingerprint().toString('hex'))
  }
}

/** A split set and its single-file twin give the same module and the same Parsing Canonical Form. */
async function expectSplitEqualsWhole(split: string, whole: string, module: string, root: string) {
  const a = await generate({ schemas: split })
  const b = await generate({ schemas: whole })
  const mod = (r: typeof a) => r.files.find((f) => f.path === module)?.contents
  expect(mod(a)).toBeDefined()
  expect(mod(a)).toBe(mod(b))
  const sa = await loadSchemaSet([split])
  const sb = await loadSchemaSet([whole])
  const canonical = (set: typeof sa) =>
    avro.Type.forSchema(avroSchemaOf(root, set.table) as avro.Schema).schema()
  expect(JSON.stringify(canonical(sa))).toBe(JSON.stringify(canonical(sb)))
}

describe(`generate() over the ${kafkitFixtures.label}`, { timeout: 60_000 }, () => {
  const own = kafkitFixtures.dir
  corpusSuite(kafkitFixtures)

  it('interop split over five files gives the same types as interop-whole.avsc in one file', async () => {
    await expectSplitEqualsWhole(
      join(own, 'multi-file/split-interop'),
      join(own, 'interop-whole.avsc'),
      'dev.kafkit.fixtures.interop.avro.ts',
      'dev.kafkit.fixtures.interop.Interop',
    )
  })

  it('reads .avdl (with imports) and reports where avsc cannot read IDL', async () => {
    const idl = await generate({ schemas: join(own, 'multi-file/idl-import') })
    expect(idl.types).toContain('dev.kafkit.fixtures.idl.meta.Metadata')
    expect(idl.types).toContain('dev.kafkit.fixtures.idl.shipping.Shipment')
    const error = await generate({ schemas: join(fixtures, 'bad', 'idl-decimal-keyword.avdl') }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(CodegenError)
    expect((error as CodegenError).code).toBe('KAFKIT_CODEGEN_INVALID_SCHEMA')
    expect((error as CodegenError).place).toMatch(/^\d+:\d+$/)
  })

  it('every self-contained schema builds with avsc and equals the type codegen compiled', async () => {
    for (const file of kafkitFixtures.singleFiles) await expectRebuildsEqual(join(own, file))
  })
})

describeExternalCorpus(
  'generate() over the real-world corpus',
  (corpus) => {
    corpusSuite(corpus)

    it('interop split over five files gives the same types as interop.avsc in one file', async () => {
      await expectSplitEqualsWhole(
        join(corpus.dir, 'multi-file/interop-split'),
        join(corpus.dir, 'apache-avro--interop.avsc'),
        'org.apache.avro.avro.ts',
        'org.apache.avro.Interop',
      )
    })

    it('reads .avdl (with imports) and reports where avsc cannot read IDL', async () => {
      const idl = await generate({ schemas: join(corpus.dir, 'multi-file/kafkajs-avdl-import') })
      expect(idl.types).toContain('com.org.messaging.Metadata')
      expect(idl.types).toContain('com.org.domain.fixtures.ImportMultipleNamespaces')
      // Excluded from the IDL loop on purpose: Avro >= 1.10 IDL (decimal(p,s)), which avsc cannot read.
      const error = await generate({ schemas: join(corpus.dir, 'idl/apache-avro--mr_events.avdl') }).catch(
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(CodegenError)
      expect((error as CodegenError).code).toBe('KAFKIT_CODEGEN_INVALID_SCHEMA')
      expect((error as CodegenError).place).toMatch(/^\d+:\d+$/)
    })

    it('the 385 KB stress schema generates, with output linear in its size', async () => {
      const result = await generate({ schemas: join(corpus.dir, 'apache-avro--cpp-large_schema.avsc') })
      const total = result.files.reduce((n, f) => n + f.contents.length, 0)
      expect(result.types.length).toBeGreaterThan(100)
      expect(total).toBeLessThan(385_000 * 12)
    })

    it('every self-contained schema builds with avsc and equals the type codegen compiled', async () => {
      for (const file of [
        'schema-registry--AvroMessage.avsc',
        'rsgen-avro--recursive.avsc',
        'debezium-mysql-customers-Envelope.avsc',
      ])
        await expectRebuildsEqual(join(corpus.dir, file))
    })
  },
  { timeout: 60_000 },
)

describe('generated output', { timeout: 60_000 }, () => {
  it('is byte-identical across runs', async () => {
    const options = {
      schemas: join(fixtures, 'all-constructs'),
      topics: { orders: { value: 'com.kafkit.shop.Order' } },
    }
    const a = await generate(options)
    const b = await generate(options)
    expect(b.files).toEqual(a.files)
  })

  it('writes .js on relative imports for Node ESM when asked', async () => {
    const result = await generate({ schemas: join(fixtures, 'all-constructs'), importExtension: '.js' })
    const index = result.files.find((f) => f.path === 'index.ts')!.contents
    expect(index).toContain("export * as com_kafkit_shop from './com.kafkit.shop.avro.js'")
    expect(index).toContain("export * from './topics.js'")
    const crm = result.files.find((f) => f.path === 'com.kafkit.crm.avro.ts')!.contents
    expect(crm).toContain("import * as $com$kafkit$shop from './com.kafkit.shop.avro.js'")
    expect(crm).toContain("from './avro-definitions.js'")
    const plain = await generate({ schemas: join(fixtures, 'all-constructs') })
    expect(plain.files.every((f) => !f.contents.includes(".js'"))).toBe(true)
  })

  it('matches the committed snapshots', async () => {
    const cases: [string, Parameters<typeof generate>[0]][] = [
      [
        'all-constructs',
        {
          schemas: join(fixtures, 'all-constructs'),
          topics: {
            orders: { key: 'string', value: 'com.kafkit.shop.Order', partitionKey: 'customerId' },
            customers: { key: 'null', value: 'com.kafkit.crm.Customer', subjectNameStrategy: 'topic-record' },
          },
        },
      ],
      // The same with the import style a NodeNext project gets by default (.js on relative imports).
      [
        'all-constructs-nodenext',
        {
          schemas: join(fixtures, 'all-constructs'),
          out: join(fixtures, 'tsconfig', 'nodenext', 'src', 'generated'),
          topics: {
            orders: { key: 'string', value: 'com.kafkit.shop.Order', partitionKey: 'customerId' },
            customers: { key: 'null', value: 'com.kafkit.crm.Customer', subjectNameStrategy: 'topic-record' },
          },
        },
      ],
      ['bigint', { schemas: join(fixtures, 'bigint'), longMode: 'bigint' }],
      ['adversarial-namespaces', { schemas: join(fixtures, 'adversarial-namespaces') }],
      ['split-interop', { schemas: join(kafkitFixtures.dir, 'multi-file/split-interop') }],
      ['top-level-union', { schemas: join(kafkitFixtures.dir, 'top-level-union.avsc') }],
      ['unions', { schemas: join(kafkitFixtures.dir, 'unions.avsc') }],
      ['namespaces', { schemas: join(kafkitFixtures.dir, 'namespaces.avsc') }],
      ['logical-types', { schemas: join(kafkitFixtures.dir, 'logical-types.avsc') }],
      [
        'logical-types-big-js',
        { schemas: join(kafkitFixtures.dir, 'logical-types.avsc'), logicalTypes: { decimal: 'big.js' } },
      ],
      [
        'big-decimals',
        {
          schemas: join(fixtures, 'big-decimals'),
          logicalTypes: { decimal: 'big.js' },
          topics: { payments: { value: 'dev.kafkit.pay.Payment' } },
        },
      ],
      ['defaults', { schemas: join(kafkitFixtures.dir, 'defaults.avsc') }],
      ['recursion', { schemas: join(kafkitFixtures.dir, 'recursion.avsc') }],
      ['idl-import', { schemas: join(kafkitFixtures.dir, 'multi-file/idl-import') }],
    ]
    for (const [name, options] of cases) {
      const result = await generate(options)
      for (const f of result.files) {
        await expect(f.contents).toMatchFileSnapshot(join('__snapshots__', 'generated', name, f.path))
      }
    }
  })

  it('file names never look like declaration files and never collide, even case-insensitively', async () => {
    const result = await generate({ schemas: join(fixtures, 'adversarial-namespaces') })
    const paths = result.files.map((f) => f.path)
    // TypeScript takes any `*.d.*.ts` for a declaration file (foo.a.b.c.d.avro.ts would declare ./foo.a.b.c.avro).
    expect(paths.filter((p) => /\.d\./.test(p))).toEqual([])
    expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(paths.length)
    expect(paths).toEqual(
      expect.arrayContaining([
        'foo.a.b.c.d-.avro.ts',
        'foo.a.b.c.avro.ts',
        'foo.d-.b.avro.ts',
        'foo.d_.avro.ts',
        'd-.avro.ts',
        '+D.avro.ts',
        'com.acme.avro.ts',
        'com.+Acme.avro.ts',
        'com.+A+C+M+E.avro.ts',
        'index.avro.ts',
        'index.ts',
        'topics.avro.ts',
        'topics.ts',
        'avro-definitions.ts',
        'avro.definitions.avro.ts',
        'no-namespace.avro.ts',
        'no.namespace.avro.ts',
        'no+Namespace.avro.ts',
      ]),
    )
    // One module per namespace, plus the three fixed ones.
    expect(paths).toHaveLength(new Set(result.types.map((t) => t.slice(0, t.lastIndexOf('.') + 1))).size + 3)
  })

  it('maps every Avro construct as documented', async () => {
    const result = await generate({ schemas: join(fixtures, 'all-constructs') })
    const shop = result.files.find((f) => f.path === 'com.kafkit.shop.avro.ts')!.contents
    const expectations = [
      'id: string', // uuid
      'placedAt: Date', // timestamp-millis
      'shippedAt: Date | null', // timestamp-micros, nullable
      'deliveryDate: string', // date as YYYY-MM-DD
      'total: string', // decimal on bytes
      'tax: string', // decimal on fixed
      'pickTime: number', // time-millis: no mapping, base int
      'legacy: Buffer', // unknown logical type degrades to bytes
      'status: Status',
      "export type Status = 'PLACED' | 'SHIPPED' | 'DELIVERED'",
      "export const StatusSymbols = ['PLACED', 'SHIPPED', 'DELIVERED'] as const",
      'lines: Line[]',
      'attributes: { [key: string]: string }',
      'counters: { [key: string]: number }',
      'note: string | null',
      "payment: { 'com.kafkit.shop.Card': Card } | { 'com.kafkit.shop.Transfer': Transfer } | null",
      'checksum: Checksum',
      'export type Checksum = Buffer',
      'parent: Order | null',
      'note?: string | null | undefined',
      'Docs may contain *\\/ and span lines.',
      '/** Order id (uuid) */',
    ]
    for (const e of expectations) expect(shop).toContain(e)
  })
})

describe('bad input: typed CodegenError with file, place and what is wrong', { timeout: 60_000 }, () => {
  const bad = (name: string) => join(fixtures, 'bad', name)
  const failure = async (schemas: string): Promise<CodegenError> => {
    const error = await generate({ schemas }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CodegenError)
    return error as CodegenError
  }

  it('invalid JSON: line:col', async () => {
    const e = await failure(bad('invalid-json.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_INVALID_JSON')
    expect(e.file).toBe(bad('invalid-json.avsc'))
    expect(e.place).toBe('6:3')
  })

  it('unknown type: JSON Pointer and the name as written', async () => {
    const e = await failure(bad('unknown-type.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_UNKNOWN_TYPE')
    expect(e.place).toBe('/fields/1/type/1')
    expect(e.message).toContain('"strnig"')
    expect(e.message).toContain('x.strnig')
  })

  it('missing reference to another file', async () => {
    const e = await failure(bad('missing-reference.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_UNKNOWN_TYPE')
    expect(e.place).toBe('/fields/0/type')
    expect(e.message).toContain('com.elsewhere.Missing')
  })

  it('duplicate name across files names both places', async () => {
    const e = await failure(bad('duplicate'))
    expect(e.code).toBe('KAFKIT_CODEGEN_DUPLICATE_NAME')
    expect(e.file).toBe(bad('duplicate/b.avsc'))
    expect(e.message).toContain('dup.Same is defined twice')
    expect(e.message).toContain(bad('duplicate/a.avsc'))
  })

  it('bad default: the field default pointer', async () => {
    const e = await failure(bad('bad-default.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_BAD_DEFAULT')
    expect(e.place).toBe('/fields/1/default')
    expect(e.message).toContain('wrong')
  })

  it('bad union default explains the first-branch rule', async () => {
    const e = await failure(bad('bad-union-default.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_BAD_DEFAULT')
    expect(e.place).toBe('/fields/0/default')
    expect(e.message).toContain('first branch')
  })

  it('places are JSON Pointers, the whole file is /', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-codegen-place-'))
    try {
      await writeFile(join(dir, 'a.avsc'), '{"type": "array"}')
      const root = await failure(join(dir, 'a.avsc'))
      expect(root.code).toBe('KAFKIT_CODEGEN_INVALID_SCHEMA')
      expect(root.place).toBe('/')
      expect(root.message).toContain('a.avsc at /: array without "items"')
      await writeFile(
        join(dir, 'a.avsc'),
        '{"type": "record", "name": "R", "fields": [{"name": "m", "type": {"type": "map", "values": "Nope"}}]}',
      )
      expect((await failure(join(dir, 'a.avsc'))).place).toBe('/fields/0/type/values')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('structural errors (record without fields)', async () => {
    const e = await failure(bad('no-fields.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_INVALID_SCHEMA')
    expect(e.place).toBe('/fields')
  })

  it('structural checks are the Avro core rules, with types from other files still resolved', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-codegen-core-'))
    const rec = (fields: string) => `{"type": "record", "name": "R", "namespace": "x", "fields": [${fields}]}`
    const cases: [string, string, string, RegExp][] = [
      [
        'duplicate field',
        rec('{"name": "a", "type": "int"}, {"name": "a", "type": "long"}'),
        '/fields/1/name',
        /duplicate field "a" in record x\.R/,
      ],
      ['bad field name', rec('{"name": "1a", "type": "int"}'), '/fields/0/name', /invalid field name "1a"/],
      ['field without type', rec('{"name": "a"}'), '/fields/0', /field "a" needs a 'type'/],
      ['union in a union', rec('{"name": "a", "type": ["null", ["int"]]}'), '/fields/0/type/1', /union/],
      ['empty union', rec('{"name": "a", "type": []}'), '/fields/0/type', /at least one branch/],
      ['bad type name', rec('{"name": "a", "type": "x-y"}'), '/fields/0/type', /invalid type name "x-y"/],
      [
        'enum default not a symbol',
        '{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}',
        '/default',
        /not one of the symbols/,
      ],
      ['fixed without size', '{"type": "fixed", "name": "F"}', '/size', /non-negative integer 'size'/],
      [
        'bad namespace',
        '{"type": "fixed", "name": "F", "namespace": "a.1b", "size": 1}',
        '/name',
        /namespace/,
      ],
    ]
    try {
      for (const [what, schema, place, message] of cases) {
        await writeFile(join(dir, 'a.avsc'), schema)
        const e = await failure(join(dir, 'a.avsc'))
        expect(e.code, what).toBe('KAFKIT_CODEGEN_INVALID_SCHEMA')
        expect(e.place, what).toBe(place)
        expect(e.message, what).toMatch(message)
      }
      // Twice in one file is still codegen's duplicate-name error.
      await writeFile(
        join(dir, 'a.avsc'),
        rec('{"name": "a", "type": "R"}, {"name": "b", "type": {"type": "fixed", "name": "R", "size": 1}}'),
      )
      expect((await failure(join(dir, 'a.avsc'))).code).toBe('KAFKIT_CODEGEN_DUPLICATE_NAME')
      // A type defined in a later file (and later in the same file) is no error for the core's checks.
      await writeFile(
        join(dir, 'a.avsc'),
        rec(
          '{"name": "b", "type": ["null", "y.B"]}, {"name": "c", "type": "C"}, {"name": "d", "type": {"type": "enum", "name": "C", "symbols": ["K"]}}',
        ),
      )
      await writeFile(join(dir, 'b.avsc'), '{"type": "record", "name": "B", "namespace": "y", "fields": []}')
      const ok = await generate({ schemas: dir })
      expect(ok.types).toEqual(expect.arrayContaining(['x.R', 'x.C', 'y.B']))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a union avsc could not dispatch is refused up front', async () => {
    const e = await failure(bad('ambiguous-union.avsc'))
    expect(e.code).toBe('KAFKIT_CODEGEN_AMBIGUOUS_UNION')
    expect(e.message).toContain('x.Ambiguous.when')
  })

  it('no schema files, or a path that does not exist', async () => {
    expect((await failure(join(fixtures, 'project', 'kafkit.config.ts'))).code).toBe(
      'KAFKIT_CODEGEN_NO_INPUT',
    )
    expect((await failure(join(fixtures, 'nope'))).code).toBe('KAFKIT_CODEGEN_NO_INPUT')
  })

  it('invalid options are rejected by zod with the field named', async () => {
    const error = await generate({ schemas: join(fixtures, 'bigint'), longMode: 'huge' as 'bigint' }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KafkitError)
    expect((error as KafkitError).code).toBe('KAFKIT_INVALID_OPTIONS')
    expect((error as KafkitError).message).toMatch(/invalid generate\(\) options: longMode: /)
    const noSchemas = await generate({ config: 3 } as unknown as { config: string }).catch((e: unknown) => e)
    expect((noSchemas as KafkitError).message).toMatch(/invalid generate\(\) options: config: /)
  })
})
