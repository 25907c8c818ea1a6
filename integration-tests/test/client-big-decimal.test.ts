import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createConsumer, createProducer } from '@kafkit/client'
import { generate } from '@kafkit/codegen'
import type { TopicDescriptor } from '@kafkit/common'
import Big from 'big.js'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  collect,
  createTopics,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

/*
 * Codegen `logicalTypes: { decimal: 'big.js' }` through a real broker and registry: Big values go out
 * and come back exact (bytes and fixed, boundaries, negative), a newer reader schema resolves them,
 * an app on the string mapping reads the same records, and a value that does not fit is refused.
 */

const repoNodeModules = fileURLToPath(new URL('../../node_modules', import.meta.url))

const priceV1 = {
  type: 'record',
  name: 'Price',
  namespace: 'com.example.bigdec',
  fields: [
    { name: 'sku', type: 'string' },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    {
      name: 'rate',
      type: { type: 'fixed', name: 'Rate', size: 8, logicalType: 'decimal', precision: 18, scale: 6 },
    },
    { name: 'huge', type: { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 10 } },
    {
      name: 'discount',
      type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 4 }],
      default: null,
    },
  ],
}
// v2 adds a decimal field with a default: v1 records resolve into it through the registry's writer schema.
const priceV2 = {
  ...priceV1,
  fields: [
    ...priceV1.fields,
    {
      name: 'fee',
      type: { type: 'bytes', logicalType: 'decimal', precision: 6, scale: 2 },
      default: '\u0000\u0019',
    },
  ],
}

const values = [
  {
    sku: 'max',
    amount: '9999999999.99',
    rate: '999999999999.999999',
    huge: `${'9'.repeat(28)}.${'9'.repeat(10)}`,
  },
  {
    sku: 'min',
    amount: '-9999999999.99',
    rate: '-999999999999.999999',
    huge: `-${'9'.repeat(28)}.${'9'.repeat(10)}`,
  },
  { sku: 'tiny', amount: '0.01', rate: '-0.000001', huge: '0.0000000001', discount: '-0.9999' },
  { sku: 'zero', amount: '0', rate: '0', huge: '-0', discount: '0.5' },
]

type Topics = Record<string, TopicDescriptor>

describe('decimals as big.js through a real broker and registry', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const topic = `bigdec-${s}`
  const dirs: string[] = []
  let registry: TestRegistry
  let drop: () => Promise<void>

  async function generated(schema: unknown, logicalTypes: { decimal: 'string' | 'big.js' }): Promise<Topics> {
    const dir = mkdtempSync(join(tmpdir(), 'kafkit-bigdec-'))
    dirs.push(dir)
    symlinkSync(repoNodeModules, join(dir, 'node_modules'), 'dir')
    mkdirSync(join(dir, 'schemas'))
    writeFileSync(join(dir, 'schemas', 'price.avsc'), JSON.stringify(schema))
    const result = await generate({
      schemas: join(dir, 'schemas'),
      topics: { [topic]: { key: 'string', value: 'com.example.bigdec.Price' } },
      logicalTypes,
      out: join(dir, 'generated'),
    })
    expect(result.warnings).toEqual([])
    mkdirSync(join(dir, 'generated'))
    for (const f of result.files) writeFileSync(join(dir, 'generated', f.path), f.contents)
    return ((await import(join(dir, 'generated', 'index.ts'))) as { topics: Topics }).topics
  }

  let v1: Topics
  let v2: Topics
  let v2Strings: Topics
  beforeAll(async () => {
    v1 = await generated(priceV1, { decimal: 'big.js' })
    v2 = await generated(priceV2, { decimal: 'big.js' })
    v2Strings = await generated(priceV2, { decimal: 'string' })
    registry = await startTestRegistry()
    drop = await createTopics(brokers, [{ topic, partitions: 1 }])
  })
  afterAll(async () => {
    await drop?.()
    await registry?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('Big values round-trip exactly; a newer reader and a string-mapping app read the same records', async () => {
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      for (const v of values) {
        await producer.send(v1[topic]!, {
          key: v.sku,
          value: {
            sku: v.sku,
            amount: new Big(v.amount),
            rate: new Big(v.rate),
            huge: new Big(v.huge),
            discount: v.discount === undefined ? null : new Big(v.discount),
          },
        } as never)
      }
      // Not rounded for the caller: one digit too many is refused, naming the field, and nothing is sent.
      await expect(
        producer.send(v1[topic]!, {
          key: 'bad',
          value: { sku: 'bad', amount: new Big('1.005'), rate: new Big(1), huge: new Big(1) },
        } as never),
      ).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_VALIDATION_FAILED',
        details: {
          issues: [
            {
              path: 'amount',
              message:
                "1.005 has 3 digits after the point, the schema's scale allows 2: round it first, e.g. value.round(2)",
            },
          ],
        },
      })
    } finally {
      await producer.disconnect()
    }

    const read = async (topics: Topics, group: string) => {
      const consumer = createConsumer({
        brokers,
        registry: registry.client,
        groupId: `${group}-${s}`,
        topics: [topics[topic]!],
        fromBeginning: true,
      })
      return (await collect(consumer, values.length)).map((m) => m.value as Record<string, unknown>)
    }

    // v2 (a new field with a default) reads v1's records through schema resolution.
    const bigs = await read(v2, 'bigdec-v2')
    expect(bigs.map((v) => v.sku)).toEqual(values.map((v) => v.sku))
    for (const [i, got] of bigs.entries()) {
      const sent = values[i]!
      for (const field of ['amount', 'rate', 'huge'] as const) {
        expect(got[field], `${sent.sku}.${field}`).toBeInstanceOf(Big)
        expect((got[field] as Big).eq(sent[field]), `${sent.sku}.${field} = ${got[field]}`).toBe(true)
      }
      if (sent.discount === undefined) expect(got.discount).toBeNull()
      else expect((got.discount as Big).eq(sent.discount)).toBe(true)
      expect((got.fee as Big).toFixed(2)).toBe('0.25')
    }

    // The same bytes, read by an app on the default string mapping: canonical strings at the schema's scale.
    const strings = await read(v2Strings, 'bigdec-strings')
    expect(strings.map((v) => [v.amount, v.rate, v.discount, v.fee])).toEqual([
      ['9999999999.99', '999999999999.999999', null, '0.25'],
      ['-9999999999.99', '-999999999999.999999', null, '0.25'],
      ['0.01', '-0.000001', '-0.9999', '0.25'],
      ['0.00', '0.000000', '0.5000', '0.25'],
    ])
    expect(strings[0]!.huge).toBe(values[0]!.huge)
    expect(strings[3]!.huge).toBe(`0.${'0'.repeat(10)}`)
  })
})
