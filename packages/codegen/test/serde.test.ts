import { join } from 'node:path'
import type { AvroSerdeDescriptor, TopicDescriptor } from '@kafkit/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixtures, generateInto, tempProject } from './helpers'

/* The generated descriptors used the way the typed client uses them. */

// biome-ignore lint/suspicious/noExplicitAny: generated module loaded at run time
type Module = Record<string, any>

describe('generated serde and topic descriptors', { timeout: 60_000 }, () => {
  const project = tempProject()
  let gen: Module
  beforeAll(async () => {
    await generateInto(project.dir, {
      schemas: join(fixtures, 'all-constructs'),
      topics: {
        orders: { key: 'string', value: 'com.kafkit.shop.Order', partitionKey: 'customerId' },
        customers: {
          key: 'com.kafkit.shop.Status',
          value: 'com.kafkit.crm.Customer',
          subjectNameStrategy: 'topic-record',
        },
      },
    })
    gen = (await import(join(project.dir, 'index.ts'))) as Module
  })
  afterAll(() => project.cleanup())

  it('validator.parse fills Avro defaults, and the result encodes and decodes to the same value', () => {
    const serde = gen.com_kafkit_shop.OrderSerde as AvroSerdeDescriptor<Record<string, unknown>, unknown>
    const input = {
      id: '3f1c2a9e-8c47-4b8e-9d6a-2b1f0c3d4e5f',
      customerId: 'c-1',
      placedAt: new Date('2024-05-01T10:00:00.000Z'),
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
    expect(serde.type.isValid(input)).toBe(true)
    const value = serde.validator.parse(input)
    expect(value).toMatchObject({
      deliveryDate: '2022-01-08',
      status: 'PLACED',
      note: null,
      flags: false,
      gift: false,
      sequence: 42,
      class: 'standard',
      attributes: {},
      raw: Buffer.from([0xff, 0x01]),
      lines: [{ sku: 'A', quantity: 1, unitPrice: 2.5, weight: 0.5 }],
    })
    const decoded = serde.type.fromBuffer(serde.type.toBuffer(value))
    expect(decoded.placedAt).toEqual(input.placedAt)
    expect(decoded.total).toBe('12.50')
    expect(serde.type.toBuffer(decoded).equals(serde.type.toBuffer(input))).toBe(true)
    expect(serde.validator.safeParse({ ...input, id: 'nope' }).success).toBe(false)
  })

  it('createType builds a writer type with the same options: old data resolves into the new reader', () => {
    const serde = gen.com_kafkit_shop.LineSerde as AvroSerdeDescriptor<unknown>
    const writer = serde.createType({
      type: 'record',
      name: 'Line',
      namespace: 'com.kafkit.shop',
      fields: [
        { name: 'sku', type: 'string' },
        { name: 'unitPrice', type: 'double' },
      ],
    })
    const resolver = serde.type.createResolver(writer)
    const old = writer.toBuffer({ sku: 'B', unitPrice: 1 })
    expect(serde.type.fromBuffer(old, resolver)).toEqual(
      expect.objectContaining({ sku: 'B', unitPrice: 1, quantity: 1, weight: 0.5 }),
    )
  })

  it('topic descriptors carry name, serdes, subjects and partition key', () => {
    const orders = gen.ordersTopic as TopicDescriptor
    expect(orders.name).toBe('orders')
    expect(orders.key).toEqual({ kind: 'string' })
    expect(orders.value).toBe(gen.com_kafkit_shop.OrderSerde)
    expect(orders.subjects).toEqual({ key: undefined, value: 'orders-value' })
    expect(orders.partitionKey).toBe('customerId')
    const customers = gen.topics.customers as TopicDescriptor
    expect(customers.subjects).toEqual({
      key: 'customers-com.kafkit.shop.Status',
      value: 'customers-com.kafkit.crm.Customer',
    })
    expect(customers.subjectNameStrategy).toBe('topic-record')
    // The registered schema is self-contained: Customer inlines the Order it refers to from another file.
    const schema = JSON.stringify((customers.value as AvroSerdeDescriptor<unknown>).schema)
    expect(schema).toContain('"name":"Order"')
    expect(schema).toContain('"namespace":"com.kafkit.shop"')
  })
})
