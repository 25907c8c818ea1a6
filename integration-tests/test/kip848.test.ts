import { createGroupConsumer, createProducer } from '@kafkit/client'
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
})
