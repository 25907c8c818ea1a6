import { avroZod, createAvroSerde, createAvroType } from '@kafkit/common'
import Big from 'big.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

/*
 * Avro decimal as big.js `Big` (codegen `logicalTypes: { decimal: 'big.js' }`): exact round trips for
 * any precision and scale, bytes and fixed, and the same bytes as the decimal-string mapping writes
 * (so string-mode and Big-mode apps, and other languages, read each other's records).
 */

/** Largest precision a fixed of `size` bytes holds (Avro spec). */
const maxDecimalPrecision = (size: number) => Math.floor(Math.log10(2) * (8 * size - 1))

interface Shape {
  precision: number
  scale: number
  /** Fixed size in bytes, or undefined for bytes. */
  size: number | undefined
}

const shape: fc.Arbitrary<Shape> = fc
  .record({
    precision: fc.integer({ min: 1, max: 60 }),
    scaleShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .chain(({ precision, scaleShare }) => {
    const scale = Math.min(precision, Math.floor(scaleShare * (precision + 1)))
    // The smallest fixed that holds the precision, up to 3 bytes more (sign extension).
    let min = 1
    while (maxDecimalPrecision(min) < precision) min++
    return fc
      .option(fc.integer({ min, max: min + 3 }), { nil: undefined })
      .map((size) => ({ precision, scale, size }))
  })

/** A decimal text with up to `precision` digits, `scale` after the point: boundaries (all nines, zero, one) weighted in. */
const valueFor = (s: Shape): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.boolean(),
      fc.oneof(
        fc.constant('9'.repeat(s.precision)),
        fc.constant('0'),
        fc.constant('1'),
        fc.stringMatching(new RegExp(`^[0-9]{1,${s.precision}}$`)),
      ),
    )
    .map(([negative, digits]) => {
      const padded = digits.padStart(s.scale + 1, '0')
      const int = padded.slice(0, padded.length - s.scale)
      const fraction = padded.slice(padded.length - s.scale)
      return `${negative ? '-' : ''}${int}${s.scale > 0 ? `.${fraction}` : ''}`
    })

function schemaOf(s: Shape): unknown {
  const underlying = s.size === undefined ? { type: 'bytes' } : { type: 'fixed', name: 'D', size: s.size }
  return { ...underlying, logicalType: 'decimal', precision: s.precision, scale: s.scale }
}

describe('Avro decimal as big.js Big', () => {
  it('round-trips exactly for any precision, scale and sign, with the bytes the string mapping writes', () => {
    fc.assert(
      fc.property(
        shape.chain((s) => fc.tuple(fc.constant(s), valueFor(s))),
        ([s, text]) => {
          const big = createAvroType(schemaOf(s), { decimalClass: Big })
          const str = createAvroType(schemaOf(s))
          const value = new Big(text)
          expect(big.isValid(value)).toBe(true)
          const buf = big.toBuffer(value)
          // Interop: the decimal-string mapping writes the very same bytes, and reads them back.
          expect(buf.equals(str.toBuffer(text))).toBe(true)
          const back = big.fromBuffer(buf) as Big
          expect(back).toBeInstanceOf(Big)
          expect(back.eq(value)).toBe(true)
          expect(back.toFixed(s.scale)).toBe(str.fromBuffer(buf))
          // The validator agrees with avsc.
          expect(avroZod.bigDecimal(Big, s).safeParse(value).success).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('refuses, never rounds: one more fraction digit or one more integer digit is invalid', () => {
    fc.assert(
      fc.property(shape, fc.boolean(), ({ precision, scale, size }, negative) => {
        const sign = negative ? '-' : ''
        const type = createAvroType(schemaOf({ precision, scale, size }), { decimalClass: Big })
        const zod = avroZod.bigDecimal(Big, { precision, scale, size })
        // The largest value that fits, then one unit of the next digit past either end.
        const largest = new Big(`${sign}${'9'.repeat(precision - scale) || '0'}.${'9'.repeat(scale)}`)
        const tooLarge = new Big(`${sign}1${'0'.repeat(precision - scale)}`)
        const tooFine = new Big(`${sign}0.${'0'.repeat(scale)}1`)
        expect(type.isValid(largest)).toBe(true)
        expect(zod.safeParse(largest).success).toBe(true)
        for (const bad of [tooLarge, tooFine]) {
          expect(type.isValid(bad)).toBe(false)
          const result = zod.safeParse(bad)
          expect(result.success).toBe(false)
          expect(result.error?.issues[0]?.message).toMatch(bad === tooFine ? /scale allows/ : /too large/)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('says what is wrong and how to fix it', () => {
    const zod = avroZod.bigDecimal(Big, { precision: 10, scale: 2 })
    const message = (v: unknown) =>
      zod
        .safeParse(v)
        .error?.issues.map((i) => i.message)
        .join('; ')
    expect(message(new Big('12.345'))).toBe(
      "12.345 has 3 digits after the point, the schema's scale allows 2: round it first, e.g. value.round(2)",
    )
    expect(message(new Big('-123456789'))).toBe(
      '-123456789 is too large for precision 10, scale 2 (at most 8 digits before the point, largest 99999999.99): ' +
        "check the value, or widen the schema's precision in a new schema version",
    )
    expect(message('12.34')).toBe(
      'Expected a Big (decimal logical type, precision 10, scale 2): wrap numbers and strings with new Big(...)',
    )
    // The string mapping says the same about strings.
    expect(avroZod.decimal({ precision: 10, scale: 2 }).safeParse('1.999').error?.issues[0]?.message).toBe(
      "1.999 has 3 digits after the point, the schema's scale allows 2: round it to 2 decimal places first",
    )
  })

  it('a serde given the class decodes writer data into Big, also through schema resolution', () => {
    const schema = {
      type: 'record',
      name: 'Price',
      fields: [
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
        {
          name: 'fee',
          type: { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 2 },
          default: '\u0001\u0000',
        },
      ],
    }
    const serde = createAvroSerde({
      fullName: 'Price',
      schema,
      validator: avroZod.record(avroZod.map(avroZod.bigDecimal(Big, { precision: 9, scale: 2 }))),
      decimalClass: Big,
    })
    // Old data without `fee`, read with the current schema: the default arrives as a Big too.
    const writer = serde.createType({ ...schema, fields: [schema.fields[0]] })
    const old = writer.toBuffer({ amount: new Big('-0.01') })
    const read = serde.type.createResolver(writer)
    const value = serde.type.fromBuffer(old, read) as { amount: Big; fee: Big }
    expect(value.amount.eq('-0.01')).toBe(true)
    expect(value.fee).toBeInstanceOf(Big)
    expect(value.fee.toFixed(2)).toBe('2.56')
    // Broken Big instances (a mangled digit array) are refused by both, not thrown at the caller.
    const broken = Object.assign(new Big('1'), { c: 'not digits' })
    expect(serde.type.isValid({ amount: broken, fee: new Big(0) })).toBe(false)
  })
})

describe('schema resolution from a writer of the same logical types', () => {
  // avsc hands the reader what the writer type read, i.e. the writer's logical value: a new field on
  // the reader (so writer and reader differ) must not break decimals, dates or micros timestamps.
  const fields = [
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    {
      name: 'rate',
      type: { type: 'fixed', name: 'R', size: 4, logicalType: 'decimal', precision: 9, scale: 4 },
    },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'us', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'ms', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ]
  const writerSchema = { type: 'record', name: 'E', fields }
  const readerSchema = { ...writerSchema, fields: [...fields, { name: 'added', type: 'int', default: 7 }] }
  const at = new Date(1_700_000_000_123)

  it.each([
    ['decimal strings', undefined, '-0.01', '-1.0001'],
    ['big.js', Big, new Big('-0.01'), new Big('-1.0001')],
  ] as const)('with %s', (_, decimalClass, amount, rate) => {
    const options = decimalClass ? { decimalClass } : {}
    const writer = createAvroType(writerSchema, options)
    const reader = createAvroType(readerSchema, options)
    const buf = writer.toBuffer({ amount, rate, day: '2024-02-29', us: at, ms: at })
    const value = reader.fromBuffer(buf, reader.createResolver(writer)) as Record<string, unknown>
    expect(String(value.amount)).toBe(String(amount))
    expect(String(value.rate)).toBe(String(rate))
    expect(value.day).toBe('2024-02-29')
    expect((value.us as Date).getTime()).toBe(at.getTime())
    expect((value.ms as Date).getTime()).toBe(at.getTime())
    expect(value.added).toBe(7)
  })
})
