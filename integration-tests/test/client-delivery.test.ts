import { ClientError, createProducer } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { createTopics, suffix } from '../../packages/client/test/fixtures/integration'
import { endOffsets } from '../fault/kafka-tools'

/**
 * The delivery promise on the suite's broker: a send resolves only when every partition it carried
 * was acknowledged; a refused partition fails the send with its topic, partition and count, and the
 * partitions that were acknowledged are in the log. (The broker-kill drills are in fault-cluster.)
 */
describe('delivery: a send resolves only when every record is acknowledged', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const name = `delivery-${s}`
  const t = topic(name, stringKey, stringKey)
  let drop: () => Promise<void>

  beforeAll(async () => {
    // Batches over 1 KB are refused on this topic (MESSAGE_TOO_LARGE, not retriable).
    drop = await createTopics(brokers, [
      { topic: name, partitions: 2, configs: { 'max.message.bytes': '1024' } },
    ])
  })
  afterAll(async () => {
    await drop?.()
  })

  it('rejects with KAFKIT_CLIENT_NOT_DELIVERED naming the partition and count, and keeps the rest', async () => {
    const producer = createProducer({ brokers, topics: [t] })
    try {
      const error = await producer
        .sendBatch(name, [
          { key: 'a', value: 'fits', partition: 0 },
          { key: 'b', value: 'x'.repeat(4096), partition: 1 },
          { key: 'c', value: 'fits too', partition: 1 },
          { key: 'd', value: 'fits as well', partition: 0 },
        ])
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ClientError)
      expect((error as ClientError).code).toBe('KAFKIT_CLIENT_NOT_DELIVERED')
      expect((error as ClientError).canRetry).toBe(true)
      expect((error as ClientError).details).toMatchObject({
        undelivered: [{ topic: name, partition: 1, count: 2 }],
        notDelivered: 2,
        delivered: 2,
      })
      expect((error as Error).message).toContain(`2 of 4 record(s) not delivered (${name}[1]: 2)`)
      // The log agrees with the error.
      expect(await endOffsets(brokers, name)).toEqual(
        new Map([
          [0, '2'],
          [1, '0'],
        ]),
      )
      // The producer carries on (with a new producer id) for records the broker accepts.
      const [meta] = await producer.sendBatch(name, [{ key: 'e', value: 'after', partition: 1 }])
      expect(meta).toMatchObject({ partition: 1, offset: '0' })
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          producer.send(name, { key: `k${i}`, value: `v${i}`, partition: 0 }),
        ),
      )
      // Concurrent sends keep their call order in the log.
      expect(concurrent.map((m) => m.offset)).toEqual(['2', '3', '4', '5', '6'])
      expect(producer.pending).toEqual({ inFlight: 0, queued: 0 })
    } finally {
      await producer.disconnect()
    }
  })
})
