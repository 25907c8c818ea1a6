import { createGroupConsumer, createProducer, type GroupConsumer } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { memoryLogger } from '../../packages/client/test/fixtures/integration'
import { createTopic, deleteTopics, suffix, waitFor } from '../fault/kafka-tools'

/**
 * Rebalance safety: a second member joins while the first is mid-batch. The first drops its
 * in-flight work, commits only its completed prefix, and nothing is handled again after a commit
 * past it; every record is handled.
 */
describe('rebalance safety', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const orders = topic(`rebalance-${s}`, stringKey, stringKey)
  const total = 300

  beforeAll(async () => {
    await createTopic(brokers, orders.name, 2)
    const producer = createProducer({ brokers })
    await producer.sendBatch(
      orders,
      Array.from({ length: total }, (_, i) => ({ key: `k${i % 20}`, value: String(i) })),
    )
    await producer.disconnect()
  })
  afterAll(async () => {
    await deleteTopics(brokers, [orders.name])
  })

  it('revoked in-flight work is dropped and no commit goes past it', async () => {
    const groupId = `g-rebalance-${s}`
    const handled: { member: string; partition: number; offset: bigint; at: number }[] = []
    const commits: { partition: number; offset: bigint; at: number }[] = []
    const logger = memoryLogger()
    const member = (name: string): GroupConsumer =>
      createGroupConsumer({
        brokers,
        groupId,
        topics: [orders],
        fromBeginning: true,
        concurrency: 2,
        partitionsConsumedConcurrently: 2,
        heartbeatIntervalMs: 300,
        sessionTimeoutMs: 10_000,
        deadLetter: false,
        logger: name === 'a' ? logger : undefined,
        onCommit: (offsets) => {
          for (const o of offsets)
            commits.push({ partition: o.partition, offset: BigInt(o.offset), at: performance.now() })
        },
      })
    const handler = (name: string) => async (m: { partition: number; offset: string }) => {
      await new Promise((r) => setTimeout(r, 25))
      handled.push({ member: name, partition: m.partition, offset: BigInt(m.offset), at: performance.now() })
    }
    const a = member('a')
    await a.run({ eachMessage: handler('a') })
    await waitFor(
      () => handled.length >= 30,
      60_000,
      () => `handled ${handled.length}`,
    )
    const b = member('b')
    await b.run({ eachMessage: handler('b') })
    const distinct = () => new Set(handled.map((h) => `${h.partition}:${h.offset}`)).size
    await waitFor(
      () => distinct() === total,
      120_000,
      () => `distinct ${distinct()}/${total}`,
    )
    await Promise.all([a.stop(), b.stop()])

    expect(logger.lines.some((l) => /revoked: in-flight work dropped/.test(l.message))).toBe(true)
    expect(handled.some((h) => h.member === 'b')).toBe(true)
    const seen = new Set<string>()
    for (const h of [...handled].sort((x, y) => x.at - y.at)) {
      const id = `${h.partition}:${h.offset}`
      if (seen.has(id)) {
        const past = commits.filter((c) => c.partition === h.partition && c.at < h.at && c.offset > h.offset)
        expect(past, `${id} handled again after a commit past it`).toEqual([])
      }
      seen.add(id)
    }
  })
  // @platformatic/kafka's stream keeps each partition's position after its last fetch across
  // rebalances and, with no committed offset, resumes there: records fetched but never handled
  // before a rebalance were skipped (the group-member kill drill lost a whole partition this way).
  it('records fetched but neither handled nor committed before a rebalance are handled after it', async () => {
    const name = `rebalance-uncommitted-${s}`
    const groupId = `g-rebalance-uncommitted-${s}`
    const t = topic(name, stringKey, stringKey)
    const perPartition = 150
    await createTopic(brokers, name, 2)
    try {
      const producer = createProducer({ brokers })
      for (const partition of [0, 1]) {
        await producer.sendBatch(
          t,
          Array.from({ length: perPartition }, (_, i) => ({
            key: `k${i % 10}`,
            value: `${partition}:${i}`,
            partition,
          })),
        )
      }
      await producer.disconnect()

      const member = () =>
        createGroupConsumer({
          brokers,
          groupId,
          topics: [t],
          fromBeginning: true,
          concurrency: 4,
          partitionsConsumedConcurrently: 2,
          heartbeatIntervalMs: 300,
          sessionTimeoutMs: 10_000,
          revocationGraceMs: 100,
          deadLetter: false,
        })
      // Until released, every handler waits: nothing is handled, so nothing is committed.
      let release!: () => void
      const released = new Promise<void>((r) => {
        release = r
      })
      const untilReleasedOrAborted = (signal: AbortSignal) =>
        Promise.race([
          released,
          new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })),
        ])
      const startedByA = new Set<number>()
      const handledByA = new Set<string>()
      const a = member()
      await a.run({
        eachMessage: async (m, { signal }) => {
          startedByA.add(m.partition)
          await untilReleasedOrAborted(signal)
          // Work the helper gave up (revoked) does not count as handled.
          if (!signal.aborted) handledByA.add(`${m.partition}:${m.offset}`)
        },
      })
      let b: GroupConsumer | undefined
      try {
        // A alone owns both partitions and has fetched them.
        await waitFor(
          () => startedByA.size === 2,
          60_000,
          () => `a started on partitions ${[...startedByA]}`,
        )
        // B joins (a rebalance: each gets one partition), starts work it never finishes, and leaves
        // (another rebalance: A owns both again). No offset was committed by anyone.
        let startedByB = 0
        b = member()
        await b.run({
          eachMessage: async (_m, { signal }) => {
            startedByB++
            await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }))
          },
        })
        await waitFor(
          () => startedByB > 0,
          60_000,
          () => 'b never started a record',
        )
        const report = await b.stop({ timeoutMs: 100 })
        expect(report.committed).toEqual([])
        release()
        await waitFor(
          () => handledByA.size === 2 * perPartition,
          60_000,
          () =>
            `a handled ${handledByA.size}/${2 * perPartition}: partition 0 ${[...handledByA].filter((x) => x.startsWith('0:')).length}, partition 1 ${[...handledByA].filter((x) => x.startsWith('1:')).length}`,
        )
      } finally {
        release()
        await b?.stop({ timeoutMs: 100 })
        await a.stop()
      }
    } finally {
      await deleteTopics(brokers, [name])
    }
  })
})
