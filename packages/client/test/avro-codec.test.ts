import { createAvroType } from '@kafkit/common'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AvroDecoder, encodeAvro, SchemaCache } from '../src/serdes/avro'
import { readerOf } from '../src/serdes/avro-reader'
import { readValue } from '../src/serdes/avro-tap'
import { frame } from '../src/serdes/wire-format'
import { MemoryRegistry } from './fixtures/memory-registry'

/*
 * Kafkit's Avro encoder (pooled slab, strings written in JS) and decoder (compiled reader, short strings
 * read in JS) against avsc's own toBuffer/fromBuffer, on the strings where the fast paths branch: lengths
 * around 64 and 2730 characters, ASCII and not, surrogate pairs and lone surrogates, map keys.
 */

const stringy = createAvroType({
  type: 'record',
  name: 'Stringy',
  fields: [
    { name: 's', type: 'string' },
    { name: 'list', type: { type: 'array', items: 'string' } },
    { name: 'map', type: { type: 'map', values: 'string' } },
    { name: 'maybe', type: ['null', 'string'], default: null },
    { name: 'n', type: 'long' },
  ],
})

const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))
const unit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', '-', ' ') },
  { weight: 2, arbitrary: anyChar },
  { weight: 1, arbitrary: fc.constantFrom('é', '€', '😀', '\ud800', '\udc00', '\u0080', '\u07ff', '\u0800') },
)
const text = fc.oneof(
  fc.string({ unit, maxLength: 70 }),
  fc.string({ unit, minLength: 60, maxLength: 70 }),
  fc.string({ unit, minLength: 2700, maxLength: 2760 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 2725, maxLength: 2735 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 8000, maxLength: 9000 }),
)
const value = fc.record({
  s: text,
  list: fc.array(text, { maxLength: 3 }),
  map: fc.dictionary(fc.string({ unit, maxLength: 20 }), text, { maxKeys: 3 }),
  maybe: fc.option(text, { nil: null }),
  // avsc's safe long bound, one short of Number's.
  n: fc.integer({ min: -9007199254740990, max: 9007199254740990 }),
})

describe('Avro encode and decode match avsc', () => {
  it('writes the same bytes and reads the same values for any string', () => {
    fc.assert(
      fc.property(value, (v) => {
        const theirs = stringy.toBuffer(v)
        const ours = encodeAvro(stringy, 7, v)
        expect(ours.subarray(0, 5).toString('hex')).toBe('0000000007')
        expect(ours.subarray(5).equals(theirs)).toBe(true)
        expect(readValue(readerOf(stringy), ours, 5)).toStrictEqual(stringy.fromBuffer(theirs))
      }),
      { numRuns: 300 },
    )
  })

  it('keeps every encoded buffer intact while later records fill and replace the slab', () => {
    type V = { s: string; list: string[]; map: Record<string, string>; maybe: string | null; n: number }
    const values: V[] = Array.from({ length: 400 }, (_, i) => ({
      s: `${i}-${'x'.repeat((i * 37) % 3000)}`,
      list: [String(i)],
      map: { k: 'é'.repeat(i % 50) },
      maybe: i % 2 ? null : 'y'.repeat(i % 100),
      n: i,
    }))
    // One record larger than half a slab gets a buffer of its own.
    values.push({ s: 'z'.repeat(100_000), list: [], map: {}, maybe: null, n: -1 })
    const encoded = values.map((v) => encodeAvro(stringy, 1, v))
    for (const [i, v] of values.entries()) {
      expect(encoded[i]!.subarray(5).equals(stringy.toBuffer(v)), `record ${i}`).toBe(true)
    }
    expect(encoded.at(-1)!.length).toBe(5 + stringy.toBuffer(values.at(-1)).length)
  })

  it("fails on a bad payload with avsc's reasons", async () => {
    const registry = new MemoryRegistry()
    const serde = {
      kind: 'avro' as const,
      fullName: 'Stringy',
      schema: JSON.parse(JSON.stringify(stringy.schema())),
      type: stringy,
      createType: (s: unknown) => createAvroType(s),
      validator: undefined as never,
    }
    const decoder = new AvroDecoder(serde, new SchemaCache(registry))
    const { id } = await registry.register('s-value', { schema: JSON.stringify(stringy.schema()) })
    const good = encodeAvro(stringy, id, { s: 'a', list: [], map: {}, maybe: 'b', n: 3 })
    expect((await decoder.decode(good)).value).toEqual({ s: 'a', list: [], map: {}, maybe: 'b', n: 3 })
    const cases: [Buffer, RegExp][] = [
      [good.subarray(0, good.length - 1), /truncated buffer/],
      [Buffer.concat([good, Buffer.from([0])]), /trailing data/],
      [frame(id, Buffer.from([2, 0x61, 0, 0, 5, 2, 0])), /invalid union index: -3/],
    ]
    for (const [bytes, why] of cases) {
      await expect(decoder.decode(bytes)).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_DECODE_FAILED',
        details: { reason: 'bad-payload', schemaId: id },
        message: expect.stringMatching(why),
      })
      expect(() => decoder.decodeCached(bytes)).toThrow(why)
    }
  })
})
