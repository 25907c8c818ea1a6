import { describe, expect, it } from 'vitest'
import { createConsumer, createProducer, createTopicAdmin } from '../src/index'
import { makeTopics } from './fixtures/descriptors'
import { MemoryRegistry } from './fixtures/memory-registry'

const t = makeTopics('opts')
const brokers = ['127.0.0.1:9092']

function optionsError(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('expected an options error')
}

describe('producer options', () => {
  it('documents its reliable defaults, validated once and frozen', () => {
    const p = createProducer({ brokers })
    expect(p.options).toMatchObject({
      idempotent: true,
      acks: -1,
      retries: 15,
      validate: true,
      autoRegister: true,
      useLatest: false,
      compression: 'none',
      metadataMaxAgeMs: 300_000,
    })
    expect(Object.isFrozen(p.options)).toBe(true)
  })

  it('turns a registry URL into a registry client', () => {
    const p = createProducer({ brokers, registry: 'http://127.0.0.1:8081' })
    expect(typeof p.registry?.register).toBe('function')
  })

  it.each([
    [{}, /exactly one of `brokers`/],
    [{ brokers: ['nohost'] }, /brokers\.0: a broker is host:port/],
    [{ brokers, acks: 1 }, /acks: an idempotent producer needs acks "all"/],
    [{ brokers, useLatest: true }, /useLatest: useLatest only applies with autoRegister: false/],
    [{ brokers, retries: -1 }, /retries: /],
    [{ brokers, registry: { register() {} } }, /registry/],
    [{ brokers, bogus: 1 }, /bogus/],
    [{ kafka: {} }, /kafka must be a Kafkit engine or a kafkajs Kafka instance/],
  ])('rejects bad options #%# with a clear message', (input, message) => {
    const e = optionsError(() => createProducer(input as never))
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toMatch(message)
  })

  it('accepts acks 1 when idempotence is off', () => {
    expect(createProducer({ brokers, idempotent: false, acks: 1 }).options.acks).toBe(1)
  })

  it('refuses to send to a topic name it was not created with', async () => {
    const p = createProducer({ brokers, registry: new MemoryRegistry(), topics: [t.orders] })
    await expect(
      (p.send as (n: string, r: unknown) => Promise<unknown>)('other', { key: 'k', value: {} }),
    ).rejects.toMatchObject({ code: 'KAFKIT_CLIENT_UNKNOWN_TOPIC' })
  })
})

describe('producer checks before any network call', () => {
  it('needs a registry for Avro topics, and validates before connecting', async () => {
    // Unreachable broker: these errors must come before any connection attempt.
    const p = createProducer({ brokers: ['127.0.0.1:1'] })
    await expect(
      p.send(t.orders, { key: 'k', value: { id: 'o', amount: 1, customerId: 'c' } }),
    ).rejects.toMatchObject({
      code: 'KAFKIT_INVALID_OPTIONS',
      message: expect.stringMatching(/pass `registry` to createProducer/),
    })
    await expect(
      p.send(t.orders, {
        key: 'k',
        value: { id: 'o', amount: Number.NaN as unknown as string, customerId: 'c' },
      } as never),
    ).rejects.toMatchObject({ code: 'KAFKIT_CLIENT_VALIDATION_FAILED' })
    await p.disconnect()
  })
})

describe('consumer options', () => {
  it('defaults: fail policy, latest offsets, no extra validation', () => {
    const c = createConsumer({ brokers, registry: new MemoryRegistry(), groupId: 'g', topics: [t.customers] })
    expect(c.options).toMatchObject({
      onInvalid: 'fail',
      fromBeginning: false,
      validate: false,
      partitionsConsumedConcurrently: 1,
    })
  })

  it.each([
    [{ brokers, topics: [t.customers] }, /groupId/],
    [{ brokers, groupId: 'g', topics: [] }, /at least one topic/],
    [
      { brokers, groupId: 'g', topics: [t.customers], onInvalid: 'dead-letter' },
      /needs a `deadLetterSink` function/,
    ],
    [{ brokers, groupId: 'g', topics: [t.customers, t.customers] }, /each topic may appear once/],
    [{ brokers, groupId: 'g', topics: [t.customers], onInvalid: 'ignore' }, /onInvalid/],
  ])('rejects bad options #%#', (input, message) => {
    const e = optionsError(() => createConsumer(input as never))
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toMatch(message)
  })

  it('needs a registry for Avro topics', () => {
    expect(() => createConsumer({ brokers, groupId: 'g', topics: [t.orders] })).toThrow(
      /pass `registry` to createConsumer/,
    )
  })
})

describe('topic admin options', () => {
  it.each([
    [{ brokers, topics: [{ topic: 'a', partitions: 0 }] }, /partitions/],
    [{ brokers, topics: [{ topic: 'bad name', partitions: 1 }] }, /topic name/],
    [{ brokers, topics: [{ topic: 'a', partitions: 1, cleanupPolicy: 'forever' }] }, /cleanupPolicy/],
  ])('rejects bad options #%#', (input, message) => {
    const e = optionsError(() => createTopicAdmin(input as never))
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toMatch(message)
  })
})
