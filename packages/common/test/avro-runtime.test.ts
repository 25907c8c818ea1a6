import {
  avroSchemaOf,
  avroZod,
  createAvroSerde,
  createAvroType,
  daysToIsoDate,
  decimalToUnscaled,
  isoDateToDays,
  unscaledToDecimal,
} from '@kafkit/common'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

describe('logical types and their zod twins', () => {
  const schema = {
    type: 'record',
    name: 'L',
    fields: [
      { name: 'ms', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'us', type: { type: 'long', logicalType: 'timestamp-micros' } },
      { name: 'day', type: { type: 'int', logicalType: 'date' } },
      { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'dec', type: { type: 'bytes', logicalType: 'decimal', precision: 5, scale: 2 } },
      {
        name: 'fix',
        type: { type: 'fixed', name: 'F2', size: 2, logicalType: 'decimal', precision: 4, scale: 1 },
      },
      { name: 'badDec', type: { type: 'bytes', logicalType: 'decimal', precision: 2, scale: 3 } },
      { name: 'other', type: { type: 'long', logicalType: 'local-timestamp-millis' } },
    ],
  }
  const type = createAvroType(schema)
  const value = {
    ms: new Date('2024-02-29T12:00:00.123Z'),
    us: new Date('1969-12-31T23:59:59.999Z'),
    day: '2024-02-29',
    id: '3F1C2A9E-8C47-4B8E-9D6A-2B1F0C3D4E5F',
    dec: '-999.99',
    fix: '-999.9',
    badDec: Buffer.from([1]),
    other: 5,
  }

  it('round-trips each representation', () => {
    expect(type.isValid(value)).toBe(true)
    expect(type.fromBuffer(type.toBuffer(value))).toEqual(value)
  })

  it('rejects what the documented representation rejects, like the zod helpers', () => {
    const cases: [string, unknown, z.ZodType][] = [
      ['day', '2023-02-29', avroZod.date()],
      ['day', '2024-2-1', avroZod.date()],
      ['id', 'not-a-uuid', avroZod.uuid()],
      ['dec', '1000.00', avroZod.decimal({ precision: 5, scale: 2 })],
      ['dec', '1.234', avroZod.decimal({ precision: 5, scale: 2 })],
      ['dec', '1e3', avroZod.decimal({ precision: 5, scale: 2 })],
      ['fix', '3276.8', avroZod.decimal({ precision: 4, scale: 1, size: 2 })],
      ['ms', new Date(Number.NaN), avroZod.timestampMillis()],
      ['us', new Date(8.64e15), avroZod.timestampMicros()],
    ]
    for (const [field, bad, zod] of cases) {
      expect(type.isValid({ ...value, [field]: bad }), `${field} ${String(bad)}`).toBe(false)
      expect(zod.safeParse(bad).success, `${field} ${String(bad)}`).toBe(false)
    }
  })

  it('degrades invalid or unknown logical types to the underlying type', () => {
    expect(type.isValid({ ...value, badDec: '1' })).toBe(false)
    expect(type.isValid({ ...value, other: new Date() })).toBe(false)
  })

  it('converts dates and decimals exactly', () => {
    expect(isoDateToDays('1970-01-01')).toBe(0)
    expect(isoDateToDays('1969-12-31')).toBe(-1)
    expect(daysToIsoDate(19000)).toBe('2022-01-08')
    expect(daysToIsoDate(-719529)).toBe('-000001-12-31')
    expect(isoDateToDays(daysToIsoDate(-719529))).toBe(-719529)
    expect(decimalToUnscaled('-0.5', { precision: 3, scale: 2 })).toBe(-50n)
    expect(unscaledToDecimal(-5n, 3)).toBe('-0.005')
    expect(unscaledToDecimal(12345n, 0)).toBe('12345')
  })

  it('reads a timestamp-millis writer into a timestamp-millis reader (schema resolution)', () => {
    const writer = createAvroType({ type: 'long', logicalType: 'timestamp-millis' })
    const reader = createAvroType({ type: 'long', logicalType: 'timestamp-millis' })
    const resolver = reader.createResolver(writer)
    const at = new Date(1_700_000_000_000)
    expect(reader.fromBuffer(writer.toBuffer(at), resolver)).toEqual(at)
  })
})

describe('bigint long mode', () => {
  const type = createAvroType(
    {
      type: 'record',
      name: 'B',
      fields: [
        { name: 'n', type: 'long' },
        { name: 'o', type: { type: 'long' }, default: 7 },
      ],
    },
    { longMode: 'bigint' },
  )
  it('round-trips the full int64 range', () => {
    for (const n of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 0n]) {
      expect(type.fromBuffer(type.toBuffer({ n, o: 1n }))).toEqual({ n, o: 1n })
    }
    expect(type.fromBuffer(type.toBuffer({ n: 1n }))).toEqual({ n: 1n, o: 7n })
    expect(type.isValid({ n: 1 })).toBe(false)
    expect(type.isValid({ n: 2n ** 63n })).toBe(false)
    expect(avroZod.bigLong().safeParse(2n ** 63n).success).toBe(false)
  })

  it('a number long rejects unsafe integers, as avsc does', () => {
    const number = createAvroType('long')
    expect(number.isValid(2 ** 53)).toBe(false)
    expect(avroZod.long().safeParse(2 ** 53).success).toBe(false)
    expect(avroZod.long().safeParse(9007199254740990).success).toBe(true)
  })
})

describe('avroSchemaOf and createAvroSerde', () => {
  const definitions = {
    'a.Outer': {
      type: 'record',
      name: 'Outer',
      namespace: 'a',
      fields: [
        { name: 'x', type: 'b.Inner' },
        { name: 'y', type: ['null', 'b.Inner'] },
      ],
    },
    'b.Inner': { type: 'record', name: 'Inner', namespace: 'b', fields: [{ name: 'v', type: 'int' }] },
  }

  it('inlines each named type at its first use only', () => {
    const schema = avroSchemaOf('a.Outer', definitions) as { fields: { type: unknown }[] }
    expect(schema.fields[0]!.type).toEqual(definitions['b.Inner'])
    expect(schema.fields[1]!.type).toEqual(['null', 'b.Inner'])
    expect(() => createAvroType(schema)).not.toThrow()
  })

  it('builds the schema and the type lazily, once', () => {
    let built = 0
    const serde = createAvroSerde({
      fullName: 'a.Outer',
      schema: () => {
        built++
        return avroSchemaOf('a.Outer', definitions)
      },
      validator: z.unknown(),
    })
    expect(built).toBe(0)
    expect(serde.type).toBe(serde.type)
    expect(serde.schema).toBe(serde.schema)
    expect(built).toBe(1)
    const writer = serde.createType({ type: 'record', name: 'Outer', namespace: 'a', fields: [] })
    expect(writer.name).toBe('a.Outer')
  })
})
