import kafkajsDecode from '@kafkajs/confluent-schema-registry/dist/wireDecoder'
import { encode as kafkajsEncode } from '@kafkajs/confluent-schema-registry/dist/wireEncoder'
import { createGeneratedAvroSerde } from '@kafkit/common'
import { describe, expect, it } from 'vitest'
import { ClientError } from '../src/errors'
import { AvroDecoder, encodeAvro, SchemaCache } from '../src/serdes/avro'
import { subjectFor } from '../src/serdes/subjects'
import { parseSide, validateSide } from '../src/serdes/validate'
import { frame, unframe } from '../src/serdes/wire-format'
import { makeTopics, orderV1, orderV2, payment } from './fixtures/descriptors'
import { MemoryRegistry } from './fixtures/memory-registry'

const order = { id: 'o1', amount: 1.5, customerId: 'c1', note: null }

describe('Confluent wire format', () => {
  it('frames as magic 0 + 4-byte big-endian id + Avro binary', () => {
    const bytes = encodeAvro(orderV1.type, 0x01020304, order)
    // Avro binary by the spec: string = zigzag length + UTF-8, double = 8 bytes LE, union index 0 = null.
    const avroBody = Buffer.concat([
      Buffer.from([0x04]),
      Buffer.from('o1'),
      Buffer.from([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]),
      Buffer.from([0x04]),
      Buffer.from('c1'),
      Buffer.from([0x00]),
    ])
    expect(bytes.toString('hex')).toBe(`0001020304${avroBody.toString('hex')}`)
  })

  it("matches @kafkajs/confluent-schema-registry's encoder and decoder byte for byte", () => {
    for (const id of [1, 255, 65_536, 2_147_483_647]) {
      const ours = encodeAvro(payment.type, id, {
        paymentId: 'p',
        cents: 12345678901,
        method: 'CASH',
        tags: ['a'],
      })
      const theirs = kafkajsEncode(
        id,
        payment.type.toBuffer({ paymentId: 'p', cents: 12345678901, method: 'CASH', tags: ['a'] }),
      )
      expect(ours.equals(theirs)).toBe(true)
      const decoded = kafkajsDecode(ours)
      expect(decoded.registryId).toBe(id)
      expect(unframe(theirs).schemaId).toBe(id)
    }
  })

  it('rejects data that is not framed, naming why', () => {
    expect(() => unframe(Buffer.from([1, 0, 0, 0, 1, 2]))).toThrow(/first byte is 1, not the magic byte 0/)
    expect(() => unframe(Buffer.from([0, 0]))).toThrow(/shorter than the 5-byte header/)
    expect(frame(7, Buffer.alloc(0)).toString('hex')).toBe('0000000007')
  })
})

describe('AvroDecoder', () => {
  it('resolves a v1 writer into the v2 reader, fetching each id once', async () => {
    const registry = new MemoryRegistry()
    const { id } = await registry.register('t-value', { schema: JSON.stringify(orderV1.schema) })
    const decoder = new AvroDecoder(orderV2, new SchemaCache(registry))
    const bytes = encodeAvro(orderV1.type, id, order)
    const first = await decoder.decode(bytes)
    expect(first).toEqual({ schemaId: id, value: { ...order, currency: 'EUR' } })
    await Promise.all([decoder.decode(bytes), decoder.decode(bytes)])
    expect(registry.calls.filter((c) => c.startsWith('getSchemaById'))).toEqual([`getSchemaById ${id}`])
  })

  it('fails with typed errors for unknown ids and undecodable payloads', async () => {
    const registry = new MemoryRegistry()
    const decoder = new AvroDecoder(orderV1, new SchemaCache(registry))
    const unknown = decoder.decode(frame(99, Buffer.from([2, 0x61])))
    await expect(unknown).rejects.toBeInstanceOf(ClientError)
    await expect(unknown).rejects.toMatchObject({
      code: 'KAFKIT_CLIENT_DECODE_FAILED',
      details: { reason: 'unknown-schema-id' },
    })
    const { id } = await registry.register('t-value', { schema: JSON.stringify(orderV1.schema) })
    await expect(decoder.decode(frame(id, Buffer.from([0x7f])))).rejects.toMatchObject({
      details: { reason: 'bad-payload', schemaId: id },
    })
  })
})

describe('AvroDecoder with a writer the reader cannot resolve', () => {
  it('reports incompatible-writer and does not cache the failure as a resolver', async () => {
    const registry = new MemoryRegistry()
    const writer = {
      type: 'record',
      name: 'Order',
      namespace: 'com.example',
      fields: [{ name: 'id', type: 'int' }],
    }
    const { id } = await registry.register('w', { schema: JSON.stringify(writer) })
    const decoder = new AvroDecoder(orderV1, new SchemaCache(registry))
    const bytes = frame(id, Buffer.from([2]))
    await expect(decoder.decode(bytes)).rejects.toMatchObject({
      code: 'KAFKIT_CLIENT_DECODE_FAILED',
      details: { reason: 'incompatible-writer', schemaId: id },
    })
    await expect(decoder.decode(bytes)).rejects.toMatchObject({ details: { reason: 'incompatible-writer' } })
  })
})

describe('subjects and validation', () => {
  it('derives subjects for every strategy', () => {
    const t = makeTopics('x')
    expect(subjectFor(t.orders, 'value', undefined)).toBe('orders-x-value')
    expect(subjectFor(t.orders, 'key', undefined)).toBeUndefined()
    expect(subjectFor(t.payments, 'key', 'record')).toBe('com.example.PaymentKey')
    expect(subjectFor(t.payments, 'value', 'topic-record')).toBe('payments-x-com.example.Payment')
  })

  it('names the failing field path', () => {
    const t = makeTopics('x')
    try {
      validateSide(t.orders.name, 'value', t.orders.value, { id: 'o', amount: 'x', customerId: 'c' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ClientError)
      const e = error as ClientError
      expect(e.code).toBe('KAFKIT_CLIENT_VALIDATION_FAILED')
      expect(e.message).toMatch(/amount: /)
      expect(e.details).toMatchObject({ topic: 'orders-x', side: 'value', issues: [{ path: 'amount' }] })
    }
    expect(() => validateSide('t', 'key', { kind: 'string' }, 42)).toThrow(/expected a string, got number/)
  })

  it('takes the fast check first, and on a no gives exactly the zod error', () => {
    const checked: unknown[] = []
    const fast = createGeneratedAvroSerde({
      fullName: orderV1.fullName,
      schema: orderV1.schema,
      validator: orderV1.validator,
    })
    const spied = {
      ...fast,
      fastCheck: (v: unknown) => {
        checked.push(v)
        return fast.fastCheck!(v)
      },
    }
    // Happy path: the caller's own value comes back (no zod copy), an omitted default included.
    const good = { id: 'o', amount: 1, customerId: 'c' }
    expect(validateSide('t', 'value', spied, good)).toBe(good)
    expect(
      encodeAvro(fast.type, 1, good).equals(encodeAvro(fast.type, 1, parseSide('t', 'value', fast, good))),
    ).toBe(true)
    // Failure: the same code, message and issues as zod alone.
    const bad = { id: 'o', amount: 'x', customerId: 'c' }
    const err = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return e as ClientError
      }
      throw new Error('expected a throw')
    }
    const viaFast = err(() => validateSide('t', 'value', spied, bad))
    const viaZod = err(() => parseSide('t', 'value', fast, bad))
    expect(checked).toEqual([good, bad])
    expect(viaFast.code).toBe('KAFKIT_CLIENT_VALIDATION_FAILED')
    expect(viaFast.message).toBe(viaZod.message)
    expect(viaFast.details).toEqual(viaZod.details)
    // Hand-written descriptors have no fast check: zod decides (it may be stricter than the schema).
    expect(orderV1.fastCheck).toBeUndefined()
    expect(fast.fastCheck).toBeTypeOf('function')
  })
})
