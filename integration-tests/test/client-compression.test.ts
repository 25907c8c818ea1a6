import { createConsumer, createProducer } from '@kafkit/client'
import { engineFromEnv } from '@kafkit/client/engine'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { collect, createTopics, suffix } from '../../packages/client/test/fixtures/integration'
import { endOffsets } from '../fault/kafka-tools'

/**
 * Every codec the engine writes reaches the broker and reads back, on the engine KAFKIT_ENGINE names
 * (this file runs on both): platformatic builds its produce requests itself, with each codec.
 */
const engine = engineFromEnv()
// kafkajs refuses snappy and lz4 (engine-choice.test.ts).
const codecs =
  engine === 'platformatic'
    ? (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)
    : (['none', 'gzip', 'zstd'] as const)

describe(`compression on the ${engine} engine`, () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const names = codecs.map((c) => `compression-${c}-${s}`)
  let drop: () => Promise<void>

  beforeAll(async () => {
    drop = await createTopics(
      brokers,
      names.map((name) => ({ topic: name, partitions: 2 })),
    )
  })
  afterAll(async () => {
    await drop?.()
  })

  it.each(codecs.map((c, i) => [c, names[i] as string] as const))(
    '%s: an idempotent batch over two partitions lands once and reads back',
    async (compression, name) => {
      const t = topic(name, stringKey, stringKey)
      const producer = createProducer({ brokers, topics: [t], compression })
      const records = Array.from({ length: 40 }, (_, i) => ({
        key: `k${i}`,
        value: `${compression} ${'x'.repeat(i * 10)} ${i}`,
        partition: i % 2,
      }))
      try {
        await producer.sendBatch(name, records)
      } finally {
        await producer.disconnect()
      }
      expect(await endOffsets(brokers, name)).toEqual(
        new Map([
          [0, '20'],
          [1, '20'],
        ]),
      )
      const got = await collect(
        createConsumer({ brokers, groupId: `g-${name}`, topics: [t], fromBeginning: true }),
        records.length,
      )
      expect(got.map((m) => m.value).sort()).toEqual(records.map((r) => r.value).sort())
    },
  )
})
