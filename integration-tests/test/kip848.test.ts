import { createGroupConsumer, createProducer, type GroupConsumer } from '@kafkit/client'
import { createPlatformaticEngine } from '@kafkit/client/engine'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import {
  committedOffsets,
  createTopic,
  deleteTopics,
  endOffsets,
  suffix,
  waitFor,
} from '../fault/kafka-tools'

/**
 * The new consumer group protocol (KIP-848, group.protocol=consumer, GA in Kafka 4.x) on the
 * platformatic engine: two members of one group share the partitions with server-side assignment,
 * every record is handled, and the group's committed offsets reach the end of the log.
 */
describe('KIP-848 consumer groups on the platformatic engine', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const orders = topic(`kip848-${s}`, stringKey, stringKey)
  const total = 400

  beforeAll(async () => {
    await createTopic(brokers, orders.name, 4)
    const producer = createProducer({ brokers })
    await producer.sendBatch(
      orders,
      Array.from({ length: total }, (_, i) => ({ key: `k${i % 16}`, value: String(i) })),
    )
    await producer.disconnect()
  })
  afterAll(async () => {
    await deleteTopics(brokers, [orders.name])
  })

  it('two members split the partitions, handle every record and commit to the end', async () => {
    const groupId = `g-kip848-${s}`
    const handled = new Map<string, Set<number>>()
    const member = (name: string) => {
      handled.set(name, new Set())
      return createGroupConsumer({
        kafka: createPlatformaticEngine({ brokers, groupProtocol: 'consumer' }),
        groupId,
        topics: [orders],
        fromBeginning: true,
        deadLetter: false,
      })
    }
    const seen = new Set<string>()
    const handler = (name: string) => async (m: { partition: number; offset: string; value: string }) => {
      // Slow enough that the second member joins while the first still has work.
      await new Promise((r) => setTimeout(r, 40))
      handled.get(name)?.add(m.partition)
      seen.add(`${m.partition}:${m.offset}`)
    }
    const a = member('a')
    await a.run({ eachMessage: handler('a') })
    await waitFor(
      () => seen.size >= 20,
      60_000,
      () => `seen ${seen.size}`,
    )
    const b = member('b')
    await b.run({ eachMessage: handler('b') })
    await waitFor(
      () => seen.size === total,
      120_000,
      () => `seen ${seen.size}/${total}`,
    )
    const ends = await endOffsets(brokers, orders.name)
    await waitFor(
      async () => {
        const committed = await committedOffsets(brokers, groupId, orders.name)
        return [...ends].every(([p, end]) => committed.get(p) === end)
      },
      60_000,
      () => 'group offsets at the end of the log',
    )
    await Promise.all([a.stop(), b.stop()])
    expect(seen.size).toBe(total)
    // Both members got partitions once the broker reassigned them (server-side assignor).
    expect(handled.get('a')?.size).toBeGreaterThan(0)
    expect(handled.get('b')?.size).toBeGreaterThan(0)
  })

  it('records read ahead in a partition that is taken away and comes back uncommitted are handled', async () => {
    // The library's stream keeps a partition's position after its last fetch across assignment
    // changes: without the engine's new stream on revocation, A resumed the returned partition where
    // it had read to, and its records were never handled.
    const name = `kip848-revoked-${s}`
    const groupId = `g-kip848-revoked-${s}`
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
      const member = (): GroupConsumer =>
        createGroupConsumer({
          kafka: createPlatformaticEngine({ brokers, groupProtocol: 'consumer' }),
          groupId,
          topics: [t],
          fromBeginning: true,
          concurrency: 4,
          partitionsConsumedConcurrently: 2,
          revocationGraceMs: 100,
          deadLetter: false,
        })
      // Until released, every handler of A waits: nothing is handled, so nothing is committed.
      let release!: () => void
      const released = new Promise<void>((r) => {
        release = r
      })
      const startedByA = new Set<number>()
      const handledByA = new Set<string>()
      const a = member()
      await a.run({
        eachMessage: async (m, { signal }) => {
          startedByA.add(m.partition)
          await Promise.race([
            released,
            new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true })),
          ])
          if (!signal.aborted) handledByA.add(`${m.partition}:${m.offset}`)
        },
      })
      let b: GroupConsumer | undefined
      try {
        await waitFor(
          () => startedByA.size === 2,
          60_000,
          () => `a started on partitions ${[...startedByA]}`,
        )
        // B joins (the broker moves one partition to it), starts a record it never finishes, and
        // leaves: the partition goes back to A with no offset committed by anyone.
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
          90_000,
          () => 'b never started a record',
        )
        const report = await b.stop({ timeoutMs: 100 })
        expect(report.committed).toEqual([])
        release()
        await waitFor(
          () => handledByA.size === 2 * perPartition,
          90_000,
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
