import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CodegenError, defineConfig, generate, loadKafkitConfig } from '@kafkit/codegen'
import Big from 'big.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kafkitFixtures } from '../../common/test/fixtures/avro-corpora'
import { fixtures, generateInto, NODE_NEXT, nodeNextProject, tempProject, typecheck } from './helpers'

/*
 * `logicalTypes: { decimal: 'big.js' }`: decimals as big.js `Big` in types, validators and serdes.
 * Opt-in: the default stays `string`, and generated code imports big.js only where a decimal is.
 */

const BIG = { decimal: 'big.js' } as const
const schemas = join(fixtures, 'big-decimals')
const topics = { payments: { value: 'dev.kafkit.pay.Payment' } }

const usage = `
import Big from 'big.js'
import { dev_kafkit_pay as pay, dev_kafkit_receipts as receipts, paymentsTopic } from './index'
import type { ValueInputOf, ValueOf } from '@kafkit/client/codegen-runtime'

const payment: pay.PaymentInput = {
  amount: new Big('12.50'),
  rate: new Big('1.084200'),
  whole: new Big('-12345678901234567890123456789012345678'),
  tiny: new Big('0.99'),
  splits: [new Big('6.25'), new Big('6.25')],
  byCurrency: { EUR: new Big('0.92') },
}
const parsed: pay.Payment = pay.PaymentSchema.parse(payment)
const total: Big = parsed.amount.plus(parsed.fee).times(parsed.rate)
const input: ValueInputOf<typeof paymentsTopic> = payment
const out: ValueOf<typeof paymentsTopic> = parsed
const receipt: receipts.ReceiptInput = { id: 'r', payment }
export { total, input, out, receipt }
`

const mustFail = `
import Big from 'big.js'
import { dev_kafkit_pay as pay } from './index'

const base: pay.PaymentInput = {
  amount: new Big('1'), rate: new Big('1'), whole: new Big('1'), tiny: new Big('0.1'), splits: [], byCurrency: {},
}
const asString: pay.PaymentInput = { ...base, amount: '12.50' } // FAIL
const asNumber: pay.PaymentInput = { ...base, fee: 2.5 } // FAIL
const inArray: pay.PaymentInput = { ...base, splits: ['1.00'] } // FAIL
const decoded: string = pay.PaymentSchema.parse(base).amount // FAIL
export { asString, asNumber, inArray, decoded }
`

describe('codegen logicalTypes.decimal big.js', { timeout: 120_000 }, () => {
  const project = tempProject()
  // biome-ignore lint/suspicious/noExplicitAny: generated module loaded at run time
  let gen: Record<string, any>
  let files: string[]
  beforeAll(async () => {
    files = await generateInto(project.dir, { schemas, topics, logicalTypes: BIG, out: project.dir })
    gen = await import(join(project.dir, 'index.ts'))
  })
  afterAll(() => project.cleanup())

  it('imports big.js exactly in the modules that need Big, and nothing else new', async () => {
    const result = await generate({ schemas, topics, logicalTypes: BIG, out: project.dir })
    const importsBig = result.files.filter((f) => f.contents.includes("import $Big from 'big.js'"))
    // Receipt has no decimal field, but its serde decodes the Payment inside it into Big values.
    expect(importsBig.map((f) => f.path).sort()).toEqual([
      'dev.kafkit.money.avro.ts',
      'dev.kafkit.pay.avro.ts',
      'dev.kafkit.receipts.avro.ts',
    ])
    for (const f of result.files) {
      const modules = [...f.contents.matchAll(/from '([^.][^']*)'/g)].map((m) => m[1])
      expect(
        new Set(modules).size === 0 ||
          [...new Set(modules)].every((m) => m === 'big.js' || m === '@kafkit/client/codegen-runtime'),
      ).toBe(true)
    }
    // big.js and its types resolve from here (the repo's node_modules): no warning.
    expect(result.warnings).toEqual([])
  })

  it('the default stays string, and an option without decimals in the schemas changes nothing', async () => {
    const plain = await generate({ schemas, topics })
    expect(plain.files.some((f) => f.contents.includes("from 'big.js'"))).toBe(false)
    expect(plain.files.find((f) => f.path === 'dev.kafkit.pay.avro.ts')!.contents).toContain(
      '  amount: string\n',
    )
    const noDecimals = join(kafkitFixtures.dir, 'defaults.avsc')
    const a = await generate({ schemas: noDecimals })
    const b = await generate({ schemas: noDecimals, logicalTypes: BIG })
    expect(b.files).toEqual(a.files)
    expect(b.warnings).toEqual([])
  })

  it('warns, naming what to install, when big.js or its types cannot be found from the output folder', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'kafkit-no-big-'))
    try {
      const result = await generate({ schemas, logicalTypes: BIG, out: bare })
      expect(result.warnings).toHaveLength(1)
      expect(result.warnings[0]).toContain('big.js and @types/big.js cannot be found from')
      expect(result.warnings[0]).toContain('npm install big.js && npm install -D @types/big.js')
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
  })

  it('reads logicalTypes from the config, and refuses a library it does not know', async () => {
    const dir = tempProject('kafkit-config-big-')
    try {
      const config = defineConfig({ schemas, logicalTypes: { decimal: 'big.js' }, topics })
      writeFileSync(join(dir.dir, 'kafkit.config.ts'), `export default ${JSON.stringify(config)}\n`)
      expect((await loadKafkitConfig(dir.dir)).logicalTypes).toEqual({ decimal: 'big.js' })
      const fromConfig = await generate({ config: dir.dir })
      const direct = await generate({ schemas, topics, logicalTypes: BIG })
      expect(fromConfig.files.map((f) => f.contents)).toEqual(direct.files.map((f) => f.contents))
      writeFileSync(
        join(dir.dir, 'kafkit.config.ts'),
        `export default ${JSON.stringify({ schemas, logicalTypes: { decimal: 'decimal.js' } })}\n`,
      )
      const error = await loadKafkitConfig(dir.dir).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CodegenError)
      expect((error as CodegenError).message).toMatch(/logicalTypes\.decimal: .*"string".*"big\.js"/)
    } finally {
      dir.cleanup()
    }
  })

  it('generated serdes decode Big values, fill Big defaults and reject what does not fit', () => {
    const serde = gen.dev_kafkit_pay.PaymentSerde
    const value = {
      amount: new Big('-12.50'),
      rate: new Big('-999999999999.999999'), // the precision's end, in an 8-byte fixed
      whole: new Big(`-${'9'.repeat(38)}`),
      tiny: new Big('-0.99'),
      splits: [new Big('0.01'), new Big('-0.01')],
      byCurrency: { EUR: new Big('0.920000') },
    }
    const parsed = serde.validator.parse(value)
    expect(parsed.fee).toBeInstanceOf(Big)
    expect(parsed.fee.toFixed(2)).toBe('2.56')
    expect(parsed.refund).toBeNull()
    const decoded = serde.type.fromBuffer(serde.type.toBuffer(parsed))
    for (const key of ['amount', 'rate', 'whole', 'tiny', 'fee'] as const) {
      expect(decoded[key]).toBeInstanceOf(Big)
      expect(decoded[key].eq(parsed[key]), key).toBe(true)
    }
    expect(decoded.splits.map(String)).toEqual(['0.01', '-0.01'])
    expect(decoded.byCurrency.EUR.eq('0.92')).toBe(true)
    // The receipt's serde (no decimal of its own) decodes the payment inside into Big too.
    const receipts = gen.dev_kafkit_receipts.ReceiptSerde
    const receipt = receipts.type.fromBuffer(receipts.type.toBuffer({ id: 'r', payment: parsed }))
    expect(receipt.payment.amount).toBeInstanceOf(Big)

    const issues = (v: unknown) =>
      serde.validator
        .safeParse(v)
        .error?.issues.map((i: { path: unknown[]; message: string }) => `${i.path.join('.')}: ${i.message}`)
    expect(issues({ ...value, amount: new Big('0.125') })).toEqual([
      "amount: 0.125 has 3 digits after the point, the schema's scale allows 2: round it first, e.g. value.round(2)",
    ])
    expect(issues({ ...value, tiny: new Big('1') })?.[0]).toMatch(
      /^tiny: 1 is too large for precision 2, scale 2 in 1 bytes/,
    )
    expect(issues({ ...value, amount: '12.50' })?.[0]).toMatch(/^amount: Expected a Big/)
    expect(serde.fastCheck({ ...value, amount: new Big('0.125') })).toBe(false)
    expect(serde.fastCheck(value)).toBe(true)
  })

  it('type-checks under the strict tsconfig (Bundler) and flags each misuse line', () => {
    writeFileSync(join(project.dir, 'usage.ts'), usage)
    writeFileSync(join(project.dir, 'must-fail.ts'), mustFail)
    const failFile = join(project.dir, 'must-fail.ts')
    const diagnostics = typecheck([
      ...files.map((f) => join(project.dir, f)),
      join(project.dir, 'usage.ts'),
      failFile,
    ])
    expect(
      diagnostics.filter((d) => d.file !== failFile).map((d) => `${d.file}:${d.line} ${d.message}`),
    ).toEqual([])
    const expected = mustFail.split('\n').flatMap((line, i) => (line.includes('// FAIL') ? [i + 1] : []))
    expect(expected).toHaveLength(4)
    const lines = [...new Set(diagnostics.filter((d) => d.file === failFile).map((d) => d.line))].sort(
      (a, b) => a - b,
    )
    expect(lines).toEqual(expected)
  })

  it('type-checks under NodeNext, with big.js typed by @types/big.js', async () => {
    const app = nodeNextProject()
    try {
      const out = join(app.dir, 'gen')
      const generated = await generateInto(out, { schemas, topics, logicalTypes: BIG, out })
      writeFileSync(join(out, 'usage.ts'), usage.replace("from './index'", "from './index.js'"))
      const diagnostics = typecheck([...generated.map((f) => join(out, f)), join(out, 'usage.ts')], NODE_NEXT)
      expect(diagnostics.map((d) => `${d.file}:${d.line} TS${d.code} ${d.message}`)).toEqual([])
    } finally {
      app.cleanup()
    }
  })
})
