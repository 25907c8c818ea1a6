import { createConsumer, createProducer, type InvalidRecord } from '@kafkit/client'
import { frame } from '@kafkit/client/serdes'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { makeTopics } from '../../packages/client/test/fixtures/descriptors'
import {
  collect,
  createTopics,
  memoryLogger,
  produceRaw,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

/**
 * A topic with three records: a good one, one that is not Confluent-framed, one framed with an id
 * the registry does not know, then another good one.
 */
describe('invalid records never crash the consumer: fail, skip, dead-letter', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const t = makeTopics(s)
  let registry: TestRegistry
  let drop: () => Promise<void>

  beforeAll(async () => {
    registry = await startTestRegistry()
    drop = await createTopics(brokers, [{ topic: t.orders, partitions: 1 }])
    const producer = createProducer({ brokers, registry: registry.client })
    await producer.send(t.orders, { key: 'good-1', value: { id: 'good-1', amount: 1, customerId: 'c' } })
    await produceRaw(brokers, t.orders.name, [
      { key: Buffer.from('not-framed'), value: Buffer.from('{"id":"json"}') },
      { key: Buffer.from('unknown-id'), value: frame(987_654, Buffer.from([2, 0x61])) },
    ])
    await producer.send(t.orders, { key: 'good-2', value: { id: 'good-2', amount: 2, customerId: 'c' } })
    await producer.disconnect()
  })
  afterAll(async () => {
    await drop?.()
    await registry?.close()
  })

  it("'skip' logs one line per invalid record and delivers the rest", async () => {
    const logger = memoryLogger()
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-skip`,
      topics: [t.orders],
      fromBeginning: true,
      onInvalid: 'skip',
      logger,
    })
    const got = await collect(consumer, 2)
    expect(got.map((m) => m.key)).toEqual(['good-1', 'good-2'])
    const skipped = logger.lines.filter(
      (l) => l.level === 'warn' && l.message.startsWith('skipping invalid record'),
    )
    expect(skipped).toHaveLength(2)
    expect(skipped[0]!.message).toMatch(/@1 .*not the magic byte 0/)
    expect(skipped[1]!.message).toMatch(/@2 .*schema id 987654/)
  })

  it("'dead-letter' hands each invalid record, with its raw bytes and reason, to the hook", async () => {
    const dead: InvalidRecord[] = []
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-dlt`,
      topics: [t.orders],
      fromBeginning: true,
      onInvalid: 'dead-letter',
      deadLetterSink: async (r) => {
        dead.push(r)
      },
    })
    const got = await collect(consumer, 2)
    expect(got.map((m) => m.key)).toEqual(['good-1', 'good-2'])
    expect(
      dead.map((d) => [d.offset, d.stage, d.error.code, d.key?.toString(), d.error.details.reason]),
    ).toEqual([
      ['1', 'value', 'KAFKIT_CLIENT_DECODE_FAILED', 'not-framed', 'not-framed'],
      ['2', 'value', 'KAFKIT_CLIENT_DECODE_FAILED', 'unknown-id', 'unknown-schema-id'],
    ])
    expect(dead[0]!.value?.toString()).toBe('{"id":"json"}')
  })

  it("'fail' (the default) stops the consumer with a typed error and does not commit past the bad record", async () => {
    const groupId = `g-${s}-fail`
    const seen: string[] = []
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId,
      topics: [t.orders],
      fromBeginning: true,
    })
    await consumer.run({
      eachMessage: async (m) => {
        seen.push(m.key)
      },
    })
    await expect(consumer.whenStopped()).rejects.toMatchObject({
      code: 'KAFKIT_CLIENT_CONSUMER_FAILED',
      details: { offset: '1', stage: 'value' },
    })
    expect(seen).toEqual(['good-1'])
    // The same group resumes at the bad record: with 'skip' it now sees only good-2.
    const again = createConsumer({
      brokers,
      registry: registry.client,
      groupId,
      topics: [t.orders],
      fromBeginning: true,
      onInvalid: 'skip',
    })
    const rest = await collect(again, 1)
    expect(rest.map((m) => [m.key, m.offset])).toEqual([['good-2', '3']])
  })

  it('a throwing handler stops the consumer; eachBatch gets typed batches', async () => {
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-throw`,
      topics: [t.orders],
      fromBeginning: true,
      onInvalid: 'skip',
    })
    await consumer.run({
      eachMessage: async () => {
        throw new Error('boom')
      },
    })
    await expect(consumer.whenStopped()).rejects.toThrow(/handler failed on .*boom/)

    const batches: string[][] = []
    const batched = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-batch`,
      topics: [t.orders],
      fromBeginning: true,
      onInvalid: 'skip',
    })
    let total = 0
    let done!: () => void
    const enough = new Promise<void>((r) => {
      done = r
    })
    await batched.run({
      eachBatch: async (batch) => {
        batches.push(batch.messages.map((m) => m.value.id))
        total += batch.messages.length
        if (total >= 2) done()
      },
    })
    await enough
    await batched.stop()
    await expect(batched.whenStopped()).resolves.toBeUndefined()
    expect(batches.flat()).toEqual(['good-1', 'good-2'])
  })
})
