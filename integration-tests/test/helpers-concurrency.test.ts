import { createGroupConsumer, createProducer } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { committedOffsets, createTopic, deleteTopics, suffix, waitFor } from '../fault/kafka-tools'

/** Key-ordered concurrency, back-pressure, batches and lag on a real broker. */
describe('key-ordered concurrency and batches', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const orders = topic(`conc-${s}`, stringKey, stringKey)
  const total = 300
  const keys = 10

  beforeAll(async () => {
    await createTopic(brokers, orders.name, 1)
    const producer = createProducer({ brokers })
    await producer.sendBatch(
      orders,
      Array.from({ length: total }, (_, i) => ({ key: `k${i % keys}`, value: String(i) })),
    )
    await producer.disconnect()
  })
  afterAll(async () => {
    await deleteTopics(brokers, [orders.name, `${orders.name}-dlt`])
  })

  it('runs up to N records of one partition at once, one per key, in key order, and waits when the queue is full', async () => {
    const groupId = `g-conc-${s}`
    const consumer = createGroupConsumer({
      brokers,
      groupId,
      topics: [orders],
      fromBeginning: true,
      concurrency: 4,
      maxInFlight: 8,
    })
    let running = 0
    let peak = 0
    let sawBackPressure = false
    const runningKeys = new Set<string>()
    const overlaps: string[] = []
    const lastPerKey = new Map<string, number>()
    const outOfOrder: string[] = []
    let done = 0
    await consumer.run({
      eachMessage: async (m) => {
        if (runningKeys.has(m.key)) overlaps.push(m.key)
        runningKeys.add(m.key)
        running++
        peak = Math.max(peak, running)
        if (consumer.metrics().waitingOnBackPressure > 0) sawBackPressure = true
        await new Promise((r) => setTimeout(r, 3))
        const v = Number(m.value)
        if ((lastPerKey.get(m.key) ?? -1) > v) outOfOrder.push(`${m.key}:${v}`)
        lastPerKey.set(m.key, v)
        running--
        runningKeys.delete(m.key)
        done++
      },
    })
    await waitFor(
      () => done === total,
      60_000,
      () => `done ${done}/${total}`,
    )
    await waitFor(
      () => consumer.lag().every((l) => l.lag === 0) && consumer.lag().length === 1,
      30_000,
      () => JSON.stringify(consumer.lag()),
    )
    const report = await consumer.stop()
    expect(peak).toBe(4)
    expect(overlaps).toEqual([])
    expect(outOfOrder).toEqual([])
    expect(sawBackPressure).toBe(true)
    expect(report.clean).toBe(true)
    expect((await committedOffsets(brokers, groupId, orders.name)).get(0)).toBe(String(total))
  })

  it('eachBatch gets chunks of at most batch.maxRecords; a failing chunk is retried, then dead-lettered', async () => {
    const groupId = `g-batch-${s}`
    const consumer = createGroupConsumer({
      brokers,
      groupId,
      topics: [orders],
      fromBeginning: true,
      batch: { maxRecords: 50 },
      retry: { attempts: 2, backoff: { initialMs: 1, maxMs: 5 } },
    })
    const sizes: number[] = []
    const attemptsOfFailing: number[] = []
    let handled = 0
    await consumer.run({
      eachBatch: async (messages, ctx) => {
        sizes.push(messages.length)
        if (messages.some((m) => m.value === '120')) {
          attemptsOfFailing.push(ctx.attempt)
          throw new Error('chunk with 120 fails')
        }
        handled += messages.length
      },
    })
    await waitFor(
      () => handled + consumer.metrics().deadLettered === total,
      60_000,
      () => `handled ${handled}, dead-lettered ${consumer.metrics().deadLettered}`,
    )
    await consumer.stop()
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50)
    expect(attemptsOfFailing).toEqual([1, 2])
    expect(consumer.metrics().deadLettered).toBeGreaterThan(0)
    expect(consumer.metrics().deadLettered).toBeLessThanOrEqual(50)
    expect((await committedOffsets(brokers, groupId, orders.name)).get(0)).toBe(String(total))
  })
})
