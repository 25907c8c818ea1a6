import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeExternalCorpus, kafkitFixtures } from '../../common/test/fixtures/avro-corpora'
import {
  corpusInputs,
  fixtures,
  generateInto,
  NODE_NEXT,
  nodeNextProject,
  tempProject,
  typecheck,
} from './helpers'

/*
 * Generated code must compile under the repo's strict options, and misuse must not: every line of
 * the must-fail file marked `// FAIL` has to get an error, and no other line may.
 */

const usage = `
import { com_kafkit_shop as shop, com_kafkit_crm as crm, ordersTopic, customersTopic } from './index'
import type { KeyInputOf, ValueInputOf, ValueOf } from '@kafkit/common'

const order: shop.OrderInput = {
  id: '3f1c2a9e-8c47-4b8e-9d6a-2b1f0c3d4e5f',
  customerId: 'c-1',
  placedAt: new Date(),
  total: '12.50',
  tax: '1.0000',
  pickTime: 1000,
  legacy: Buffer.from('abc'),
  lines: [{ sku: 'A', unitPrice: 2.5 }],
  counters: { views: 3 },
  payment: { 'com.kafkit.shop.Card': { last4: '4242' } },
  checksum: Buffer.alloc(4),
  nothing: null,
}
const parsed: shop.Order = shop.OrderSchema.parse(order)
const status: shop.Status = shop.StatusSymbols[0]
const payload: ValueInputOf<typeof ordersTopic> = order
const key: KeyInputOf<typeof ordersTopic> = 'c-1'
const customer: ValueOf<typeof customersTopic> = {
  id: 'c', lastOrder: parsed, status, address: { street: 's', zip: null },
}
export { payload, key, customer }
`

const mustFail = `
import { com_kafkit_shop as shop, com_kafkit_crm as crm, ordersTopic, customersTopic } from './index'
import type { ValueInputOf, KeyInputOf } from '@kafkit/common'

const base: shop.OrderInput = {
  id: '3f1c2a9e-8c47-4b8e-9d6a-2b1f0c3d4e5f', customerId: 'c-1', placedAt: new Date(), total: '1.00',
  tax: '1.0000', pickTime: 1, legacy: Buffer.alloc(1), lines: [], counters: {}, payment: null,
  checksum: Buffer.alloc(4), nothing: null,
}
const { customerId: _dropped, ...withoutCustomer } = base
const missingRequired: shop.OrderInput = withoutCustomer // FAIL
const wrongSymbol: shop.Status = 'CANCELLED' // FAIL
const wrongBranch: shop.OrderInput = { ...base, payment: { 'com.kafkit.shop.Cash': { amount: 1 } } } // FAIL
const unwrappedBranch: shop.OrderInput = { ...base, payment: { last4: '4242' } } // FAIL
const wrongFieldType: shop.OrderInput = { ...base, placedAt: 1700000000000 } // FAIL
const wrongPayload: ValueInputOf<typeof ordersTopic> = { id: 'c', status: 'PLACED' } // FAIL
const customerAsOrder: ValueInputOf<typeof ordersTopic> = {} as ValueInputOf<typeof customersTopic> // FAIL
const wrongKey: KeyInputOf<typeof ordersTopic> = 42 // FAIL
const nullUnion: crm.CustomerInput = { id: 'c', status: 'PLACED', lastOrder: 5 } // FAIL
export { missingRequired, wrongSymbol, wrongBranch, unwrappedBranch, wrongFieldType, wrongPayload, customerAsOrder, wrongKey, nullUnion }
`

describe('generated code type-checks under the strict tsconfig', { timeout: 60_000 }, () => {
  const project = tempProject()
  const roots: string[] = []
  beforeAll(async () => {
    const files = await generateInto(join(project.dir, 'own'), {
      schemas: join(fixtures, 'all-constructs'),
      topics: {
        orders: { key: 'string', value: 'com.kafkit.shop.Order', partitionKey: 'customerId' },
        customers: {
          key: 'com.kafkit.shop.Status',
          value: 'com.kafkit.crm.Customer',
          subjectNameStrategy: 'record',
        },
      },
    })
    roots.push(...files.map((f) => join(project.dir, 'own', f)))
    // Every input of the project's fixtures, each in its own folder.
    for (const [i, input] of corpusInputs(kafkitFixtures).entries()) {
      const out = join(project.dir, `fixture${i}`)
      const generated = await generateInto(out, { schemas: input.schemas })
      roots.push(...generated.map((f) => join(out, f)))
    }
    // Namespaces that would give declaration-looking (TS6263) or case-colliding file names.
    const adversarial = await generateInto(join(project.dir, 'adversarial'), {
      schemas: join(fixtures, 'adversarial-namespaces'),
    })
    roots.push(...adversarial.map((f) => join(project.dir, 'adversarial', f)))
    const bigint = await generateInto(join(project.dir, 'bigint'), {
      schemas: join(fixtures, 'bigint'),
      longMode: 'bigint',
    })
    roots.push(...bigint.map((f) => join(project.dir, 'bigint', f)))
    writeFileSync(join(project.dir, 'own', 'usage.ts'), usage)
    writeFileSync(join(project.dir, 'own', 'must-fail.ts'), mustFail)
  }, 60_000)
  afterAll(() => project.cleanup())

  it('compiles generated modules and valid usage with no error, and flags each misuse line', () => {
    const diagnostics = typecheck([
      ...roots,
      join(project.dir, 'own', 'usage.ts'),
      join(project.dir, 'own', 'must-fail.ts'),
    ])
    const failFile = join(project.dir, 'own', 'must-fail.ts')
    const unexpected = diagnostics.filter((d) => d.file !== failFile)
    expect(unexpected.map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([])
    const expectedLines = readFileSync(failFile, 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.includes('// FAIL') ? [i + 1] : []))
    expect(expectedLines.length).toBe(9)
    const errorLines = [...new Set(diagnostics.filter((d) => d.file === failFile).map((d) => d.line))].sort(
      (a, b) => a - b,
    )
    expect(errorLines).toEqual(expectedLines)
  }, 120_000)
})

describe('generated code type-checks under NodeNext, with the .js imports it gets by default there', () => {
  const project = nodeNextProject()
  afterAll(() => project.cleanup())
  const topics = {
    orders: { key: 'string' as const, value: 'com.kafkit.shop.Order', partitionKey: 'customerId' },
    customers: { key: 'com.kafkit.shop.Status', value: 'com.kafkit.crm.Customer' },
  }

  it('compiles with no error; extensionless relative imports all fail there', async () => {
    const gen = join(project.dir, 'gen')
    // No importExtension: the project's tsconfig (module NodeNext) decides.
    const files = await generateInto(gen, { schemas: join(fixtures, 'all-constructs'), out: gen, topics })
    expect(readFileSync(join(gen, 'index.ts'), 'utf8')).toContain("from './topics.js'")
    const adversarialDir = join(project.dir, 'adversarial')
    const adversarial = await generateInto(adversarialDir, {
      schemas: join(fixtures, 'adversarial-namespaces'),
      out: adversarialDir,
    })
    writeFileSync(join(gen, 'usage.ts'), usage.replace("from './index'", "from './index.js'"))
    const roots = [
      ...files.map((f) => join(gen, f)),
      join(gen, 'usage.ts'),
      ...adversarial.map((f) => join(adversarialDir, f)),
    ]
    const diagnostics = typecheck(roots, NODE_NEXT)
    expect(diagnostics.map((d) => `${d.file}:${d.line} TS${d.code} ${d.message}`)).toEqual([])

    // The same code without extensions: what users got before (every relative import is TS2835).
    const plainDir = join(project.dir, 'plain')
    const plain = await generateInto(plainDir, {
      schemas: join(fixtures, 'all-constructs'),
      importExtension: 'none',
    })
    const plainErrors = typecheck(
      plain.map((f) => join(plainDir, f)),
      NODE_NEXT,
    )
    const relativeImports = plain
      .map((f) => readFileSync(join(plainDir, f), 'utf8').match(/from '\.\//g)?.length ?? 0)
      .reduce((a, b) => a + b, 0)
    // Every relative import fails: TS2834/TS2835 (needs an explicit extension), or TS2307 where the module
    // name already ends in an extension-like `.avro`.
    expect(plainErrors.filter((d) => [2307, 2834, 2835].includes(d.code))).toHaveLength(relativeImports)
  }, 180_000)
})

describeExternalCorpus(
  'generated code of real-world schemas type-checks under the strict tsconfig',
  (corpus) => {
    const project = tempProject()
    afterAll(() => project.cleanup())
    // A sample with the hardest shapes (every file takes ~40 s of tsc on 2 cores); the project's fixtures
    // above are type-checked in full.
    const inputs = [
      'apache-avro--SchemaBuilder.avsc',
      'schema-registry--AvroMessage.avsc',
      'rsgen-avro--recursive.avsc',
      'kafka-streams-examples--microservices-order.avsc',
      'debezium-mysql-customers-Envelope.avsc',
      'apache-avro--logical_types_with_default_values.avsc',
      'multi-file/fastavro-nested-namespaces',
      'multi-file/kafkajs-avdl-import',
    ].map((name) => ({ name, schemas: join(corpus.dir, name) }))
    it('compiles a sample of files and sets with no error', async () => {
      const roots: string[] = []
      for (const [i, input] of inputs.entries()) {
        const out = join(project.dir, `corpus${i}`)
        roots.push(...(await generateInto(out, { schemas: input.schemas })).map((f) => join(out, f)))
      }
      expect(roots.length).toBeGreaterThan(inputs.length * 3)
      expect(typecheck(roots).map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([])
    }, 300_000)
  },
  { timeout: 300_000 },
)
