import {
  createGroupConsumer,
  createProducer,
  DLT_HEADERS,
  deadLetterTopicName,
  FatalError,
  retryTopicName,
} from '@kafkit/client'
import { frame } from '@kafkit/client/serdes'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { makeTopics } from '../../packages/client/test/fixtures/descriptors'
import {
  produceRaw,
  startTestRegistry,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'
import {
  committedOffsets,
  createTopic,
  deleteTopics,
  endOffsets,
  readRaw,
  suffix,
  waitFor,
} from '../fault/kafka-tools'

/**
 * A handler fails some records transiently and some permanently; a poison pill sits in between.
 * Transient ones succeed after in-place retries or a retry topic; permanent ones and the poison
 * pill land in `<topic>-dlt` with their original bytes and provenance headers; offsets are committed.
 */
describe('retry and dead-letter topics on a real broker', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const t = makeTopics(s)
  const groupId = `g-retry-${s}`
  let registry: TestRegistry
  const ids: string[] = []

  beforeAll(async () => {
    registry = await startTestRegistry()
    await createTopic(brokers, t.orders.name, 3)
    const producer = createProducer({ brokers, registry: registry.client })
    // ok-*: succeed at once; flaky-*: fail twice, then succeed (in place); slow-*: fail 3 times
    // (in place twice, then once from retry-1); fatal-*: FatalError; always-*: always retriable.
    for (const kind of ['ok', 'flaky', 'slow', 'fatal', 'always']) {
      for (let i = 0; i < 4; i++) ids.push(`${kind}-${i}`)
    }
    for (const id of ids) {
      await producer.send(t.orders, { key: id, value: { id, amount: 1, customerId: `c-${id}` } })
    }
    await producer.disconnect()
    await produceRaw(brokers, t.orders.name, [
      { key: Buffer.from('poison'), value: frame(424_242, Buffer.from([1])) },
    ])
  })
  afterAll(async () => {
    await deleteTopics(brokers, [
      t.orders.name,
      retryTopicName(t.orders.name, 1),
      retryTopicName(t.orders.name, 2),
      deadLetterTopicName(t.orders.name),
    ])
    await registry?.close()
  })

  it('transient failures succeed, permanent ones and the poison pill are dead-lettered with headers', async () => {
    const calls = new Map<string, number>()
    const succeeded = new Map<string, number>()
    const deliveredFrom = new Map<string, string>()
    const consumer = createGroupConsumer({
      brokers,
      registry: registry.client,
      groupId,
      topics: [t.orders],
      fromBeginning: true,
      concurrency: 4,
      retry: { attempts: 3, backoff: { initialMs: 5, maxMs: 20 } },
      retryTopics: { delaysMs: [300, 300] },
    })
    await consumer.run({
      eachMessage: async (m, ctx) => {
        const n = (calls.get(m.value.id) ?? 0) + 1
        calls.set(m.value.id, n)
        const kind = m.value.id.split('-')[0]
        if (kind === 'flaky' && n <= 2) throw new Error(`flaky ${n}`)
        if (kind === 'slow' && n <= 3) throw new Error(`slow ${n}`)
        if (kind === 'fatal') throw new FatalError(`declined ${m.value.id}`)
        if (kind === 'always') throw new Error(`down ${m.value.id}`)
        succeeded.set(m.value.id, ctx.delivery.attempt)
        deliveredFrom.set(m.value.id, ctx.delivery.topic)
      },
    })
    const expectedOk = ids.filter((id) => /^(ok|flaky|slow)/.test(id))
    const dltCount = 4 + 4 + 1
    await waitFor(
      () => succeeded.size === expectedOk.length && consumer.metrics().deadLettered === dltCount,
      90_000,
      () => `succeeded ${succeeded.size}/${expectedOk.length}, dlt ${consumer.metrics().deadLettered}`,
    )
    const report = await consumer.stop()
    expect(report.clean).toBe(true)

    // Transient: flaky on attempt 3 in place; slow on attempt 4, read from the first retry topic.
    for (const id of expectedOk) {
      const kind = id.split('-')[0]
      expect(succeeded.get(id)).toBe(kind === 'ok' ? 1 : kind === 'flaky' ? 3 : 4)
      expect(deliveredFrom.get(id)).toBe(kind === 'slow' ? retryTopicName(t.orders.name, 1) : t.orders.name)
    }
    // Fatal errors are not retried; retriable ones went through both retry topics.
    for (let i = 0; i < 4; i++) {
      expect(calls.get(`fatal-${i}`)).toBe(1)
      expect(calls.get(`always-${i}`)).toBe(5)
    }

    const source = await readRaw(brokers, t.orders.name, ids.length + 1)
    const byKey = new Map(source.map((r) => [r.key?.toString(), r]))
    const dead = await readRaw(brokers, deadLetterTopicName(t.orders.name), dltCount)
    expect(dead).toHaveLength(dltCount)
    for (const d of dead) {
      const key = d.key?.toString() as string
      const original = byKey.get(key)
      expect(original, key).toBeDefined()
      // Original bytes, original coordinates, same partition number.
      expect(d.key?.equals(original?.key as Buffer)).toBe(true)
      expect(d.value?.equals(original?.value as Buffer)).toBe(true)
      expect(d.partition).toBe(original?.partition)
      const h = d.headers
      expect(h[DLT_HEADERS.originalTopic]).toBe(t.orders.name)
      expect(h[DLT_HEADERS.originalPartition]).toBe(String(original?.partition))
      expect(h[DLT_HEADERS.originalOffset]).toBe(original?.offset)
      expect(h[DLT_HEADERS.originalTimestamp]).toMatch(/^\d{13}$/)
      expect(h[DLT_HEADERS.group]).toBe(groupId)
      expect(h[DLT_HEADERS.errorStack]).toContain('Error')
      if (key === 'poison') {
        expect(h[DLT_HEADERS.stage]).toBe('value')
        expect(h[DLT_HEADERS.errorCode]).toBe('KAFKIT_CLIENT_DECODE_FAILED')
        expect(h[DLT_HEADERS.errorMessage]).toMatch(/424242/)
        expect(h[DLT_HEADERS.schemaId]).toBe('424242')
        expect(h[DLT_HEADERS.attempts]).toBe('1')
      } else if (key.startsWith('fatal')) {
        expect(h[DLT_HEADERS.errorClass]).toBe('FatalError')
        expect(h[DLT_HEADERS.errorMessage]).toBe(`declined ${key}`)
        expect(h[DLT_HEADERS.attempts]).toBe('1')
        expect(h[DLT_HEADERS.stage]).toBe('handler')
        expect(Number(h[DLT_HEADERS.schemaId])).toBeGreaterThan(0)
      } else {
        expect(key).toMatch(/^always-/)
        expect(h[DLT_HEADERS.errorClass]).toBe('Error')
        expect(h[DLT_HEADERS.errorMessage]).toBe(`down ${key}`)
        expect(h[DLT_HEADERS.attempts]).toBe('5')
      }
    }
    expect(new Set(dead.map((d) => d.key?.toString())).size).toBe(dltCount)

    // Nothing left behind: the group committed the end of the source and the retry topics.
    for (const topic of [t.orders.name, retryTopicName(t.orders.name, 1), retryTopicName(t.orders.name, 2)]) {
      const ends = await endOffsets(brokers, topic)
      const committed = await committedOffsets(brokers, groupId, topic)
      for (const [p, end] of ends) {
        if (end === '0') continue
        expect(committed.get(p), `${topic}[${p}]`).toBe(end)
      }
    }
  })
})
