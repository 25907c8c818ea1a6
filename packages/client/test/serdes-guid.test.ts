import { SchemaId } from '@confluentinc/schemaregistry'
import { describe, expect, it } from 'vitest'
import {
  AvroDecoder,
  encodeAvro,
  encodeAvroPayload,
  encodeAvroWithGuid,
  SchemaCache,
} from '../src/serdes/avro'
import type { SchemaRegistry } from '../src/serdes/registry'
import {
  frameGuid,
  guidToBytes,
  KEY_SCHEMA_ID_HEADER,
  readSchemaRef,
  schemaIdHeader,
  unframeAny,
  VALUE_SCHEMA_ID_HEADER,
} from '../src/serdes/wire-format'
import { orderV1, orderV2 } from './fixtures/descriptors'

const order = { id: 'o1', amount: 1.5, customerId: 'c1', note: null }
const guid = '3f2b1c0e-8d7a-4b6c-9e5f-1a2b3c4d5e6f'

/** A registry that knows one schema by id 7 and by `guid`, counting fetches. */
function registry(schema: unknown) {
  const calls = { byId: 0, byGuid: 0 }
  const r = {
    calls,
    getSchemaById: async (id: number) => {
      calls.byId++
      if (id !== 7) throw Object.assign(new Error(`Schema ${id} not found`), { status: 404 })
      return { schema: JSON.stringify(schema) }
    },
    getSchemaByGuid: async (g: string) => {
      calls.byGuid++
      if (g !== guid) throw Object.assign(new Error(`Schema ${g} not found`), { status: 404 })
      return { schema: JSON.stringify(schema) }
    },
  }
  return r as typeof r & SchemaRegistry
}

describe("Confluent 8 GUID formats (byte for byte with @confluentinc/schemaregistry's SchemaId)", () => {
  it('writes magic byte 1 and the 16 GUID bytes, as the Confluent client does', () => {
    const theirs = new SchemaId('AVRO', undefined, guid).guidToBytes()
    expect(schemaIdHeader({ guid }).equals(theirs)).toBe(true)
    const payload = encodeAvroPayload(orderV1.type, order)
    const ours = encodeAvroWithGuid(orderV1.type, guid, order)
    expect(ours.equals(Buffer.concat([theirs, payload]))).toBe(true)
    expect(ours.subarray(1, 17).toString('hex')).toBe(guid.replaceAll('-', ''))
    // And the id form of the header matches theirs too.
    expect(schemaIdHeader({ schemaId: 258 }).equals(new SchemaId('AVRO', 258).idToBytes())).toBe(true)
  })

  it('reads what the Confluent client writes: GUID prefix, id prefix, and header forms', () => {
    const payload = encodeAvroPayload(orderV1.type, order)
    const fromTheirs = new SchemaId('AVRO')
    fromTheirs.fromBytes(frameGuid(guid, payload))
    expect(fromTheirs.guid).toBe(guid)
    expect(unframeAny(frameGuid(guid, payload))).toEqual({ ref: { guid }, payload })
    expect(unframeAny(encodeAvro(orderV1.type, 9, order))).toEqual({ ref: { schemaId: 9 }, payload })
    const header = new SchemaId('AVRO', undefined, guid).guidToBytes()
    expect(unframeAny(payload, header)).toEqual({ ref: { guid }, payload })
    expect(unframeAny(payload, new SchemaId('AVRO', 5).idToBytes())).toEqual({
      ref: { schemaId: 5 },
      payload,
    })
    expect(KEY_SCHEMA_ID_HEADER).toBe('__key_schema_id')
    expect(VALUE_SCHEMA_ID_HEADER).toBe('__value_schema_id')
  })

  it('rejects bad GUIDs and short or unknown framing with typed errors', () => {
    expect(() => guidToBytes('nope')).toThrow(/not a schema GUID/)
    expect(() => readSchemaRef(Buffer.from([1, 2, 3]))).toThrow(/shorter than its 17-byte header/)
    expect(() => readSchemaRef(Buffer.from([2, 0, 0, 0, 0, 0]))).toThrow(
      /not the magic byte 0 \(schema id\) or 1/,
    )
    expect(() => unframeAny(Buffer.alloc(3), Buffer.from([9]))).toThrow(/schema-id header/)
  })

  it('AvroDecoder decodes each format into the reader schema, fetching a GUID once', async () => {
    const r = registry(orderV1.schema)
    const decoder = new AvroDecoder(orderV2, new SchemaCache(r))
    const expected = { ...order, currency: 'EUR' }
    expect(await decoder.decode(encodeAvroWithGuid(orderV1.type, guid, order), undefined)).toEqual({
      value: expected,
      guid,
    })
    expect(decoder.decodeCached(encodeAvroWithGuid(orderV1.type, guid, order), null)).toEqual({
      value: expected,
      guid,
    })
    const header = schemaIdHeader({ guid })
    expect(await decoder.decode(encodeAvroPayload(orderV1.type, order), header)).toEqual({
      value: expected,
      guid,
    })
    expect(r.calls.byGuid).toBe(1)
    expect(await decoder.decode(encodeAvro(orderV1.type, 7, order))).toEqual({ value: expected, schemaId: 7 })
    await expect(
      decoder.decode(
        encodeAvroWithGuid(orderV1.type, '00000000-0000-0000-0000-000000000000', order),
        undefined,
      ),
    ).rejects.toMatchObject({
      code: 'KAFKIT_CLIENT_DECODE_FAILED',
      details: { reason: 'unknown-schema-guid' },
    })
  })

  it('says what to do when the registry adapter cannot look GUIDs up', async () => {
    const { getSchemaByGuid: _unused, ...r } = registry(orderV1.schema)
    const decoder = new AvroDecoder(orderV1, new SchemaCache(r))
    await expect(decoder.decode(encodeAvroWithGuid(orderV1.type, guid, order), undefined)).rejects.toThrow(
      /has no getSchemaByGuid/,
    )
  })
})
