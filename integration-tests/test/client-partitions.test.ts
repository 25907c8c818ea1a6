import { readFileSync } from 'node:fs'
import { createConsumer, createProducer } from '@kafkit/client'
import { createEngine } from '@kafkit/client/engine'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  bytesKey,
  customerEvent,
  orderV1,
  stringKey,
  topic,
} from '../../packages/client/test/fixtures/descriptors'
import {
  collect,
  createTopics,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

interface Fixture {
  partitionCounts: number[]
  cases: { kind: string; label: string; keyHex: string; partitions: number[] }[]
}
// Computed by Java's own Utils.murmur2 (packages/client/test/fixtures/java/Murmur2Fixtures.java).
const fixture = JSON.parse(
  readFileSync(new URL('../../packages/client/test/fixtures/murmur2.json', import.meta.url), 'utf8'),
) as Fixture
const PARTITIONS = 12
const column = fixture.partitionCounts.indexOf(PARTITIONS)

describe('partition parity with the Java client (real broker)', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const byString = topic(`parity-str-${s}`, stringKey, orderV1)
  const byBytes = topic(`parity-bin-${s}`, bytesKey, orderV1)
  // A literal name type (as generated code has) so the partitioner map is keyed and typed by it.
  const custom = topic(`parity-custom-${s}` as 'parity-custom', stringKey, orderV1)
  const byField = topic(`parity-field-${s}`, { kind: 'null' }, customerEvent, { partitionKey: 'customerId' })
  let registry: TestRegistry
  let drop: () => Promise<void>

  beforeAll(async () => {
    registry = await startTestRegistry()
    drop = await createTopics(brokers, [
      { topic: byString, partitions: PARTITIONS },
      { topic: byBytes, partitions: PARTITIONS },
      { topic: byField, partitions: PARTITIONS },
      { topic: custom, partitions: PARTITIONS },
    ])
  })
  afterAll(async () => {
    await drop?.()
    await registry?.close()
  })

  it('string and binary keys land on the partition Java predicts', async () => {
    const text = fixture.cases.filter((c) => c.kind === 'ascii' || c.kind === 'utf8' || c.kind === 'empty')
    const binary = fixture.cases.filter((c) => c.kind === 'binary' || c.kind === 'long')
    const producer = createProducer({ brokers, registry: registry.client })
    const value = { id: 'x', amount: 1, customerId: 'c' }
    try {
      const sentText = await producer.sendBatch(
        byString,
        text.map((c) => ({ key: Buffer.from(c.keyHex, 'hex').toString('utf8'), value })),
      )
      expect(sentText.map((m) => m.partition)).toEqual(text.map((c) => c.partitions[column]))
      const sentBinary = await producer.sendBatch(
        byBytes,
        binary.map((c) => ({ key: Buffer.from(c.keyHex, 'hex'), value })),
      )
      expect(sentBinary.map((m) => m.partition)).toEqual(binary.map((c) => c.partitions[column]))
    } finally {
      await producer.disconnect()
    }
    // What the broker stored, read back by a consumer: partition per key as Java computes it.
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}`,
      topics: [byString, byBytes],
      fromBeginning: true,
    })
    const got = await collect(consumer, text.length + binary.length)
    const expected = new Map<string, number>()
    for (const c of [...text, ...binary]) expected.set(c.keyHex, c.partitions[column]!)
    for (const m of got) {
      const hex =
        typeof m.key === 'string' ? Buffer.from(m.key, 'utf8').toString('hex') : m.key.toString('hex')
      expect({ key: hex, partition: m.partition }).toEqual({ key: hex, partition: expected.get(hex) })
    }
  })

  it('partitionKey hashes the declared value field like a string key', async () => {
    const cases = fixture.cases.filter((c) => c.kind === 'ascii').slice(0, 10)
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      const sent = await producer.sendBatch(
        byField,
        cases.map((c) => ({
          value: { customerId: Buffer.from(c.keyHex, 'hex').toString('utf8'), kind: 'k' },
        })),
      )
      expect(sent.map((m) => m.partition)).toEqual(cases.map((c) => c.partitions[column]))
    } finally {
      await producer.disconnect()
    }
  })

  it('custom partitioners get the typed value; out-of-range results are refused', async () => {
    const producer = createProducer({
      brokers,
      registry: registry.client,
      topics: [custom],
      partitioners: {
        [custom.name]: ({ value, partitionCount }) => (value.amount > 100 ? partitionCount - 1 : 0),
      },
    })
    const bad = createProducer({
      brokers,
      registry: registry.client,
      topics: [custom],
      partitioners: { [custom.name]: ({ partitionCount }) => partitionCount },
    })
    try {
      const [big, small] = await producer.sendBatch(custom.name, [
        { key: 'a', value: { id: 'big', amount: 1000, customerId: 'c' } },
        { key: 'a', value: { id: 'small', amount: 1, customerId: 'c' } },
      ])
      expect([big!.partition, small!.partition]).toEqual([PARTITIONS - 1, 0])
      await expect(
        bad.send(custom.name, { key: 'a', value: { id: 'x', amount: 1, customerId: 'c' } }),
      ).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_PARTITION_INVALID',
      })
    } finally {
      await producer.disconnect()
      await bad.disconnect()
    }
  })
  it('a record for a partition its topic does not have is refused with a typed error, on the engine seam too', async () => {
    const range = topic(`parity-range-${s}`, stringKey, stringKey)
    const dropRange = await createTopics(brokers, [{ topic: range, partitions: 3 }])
    // The engine KAFKIT_ENGINE names: this runs on both.
    const engine = createEngine(undefined, { brokers })
    const raw = engine.producer({
      idempotent: true,
      acks: -1,
      retries: 2,
      timeoutMs: 10_000,
      compression: 'none',
    })
    const admin = engine.admin()
    const producer = createProducer({ brokers })
    const to = (partition: number) => [
      { topic: range.name, messages: [{ key: Buffer.from('k'), value: Buffer.from('v'), partition }] },
    ]
    try {
      await Promise.all([raw.connect(), admin.connect()])
      for (const partition of [3, 7, -1]) {
        await expect(raw.send(to(partition))).rejects.toMatchObject({
          code: 'KAFKIT_CLIENT_PARTITION_INVALID',
          details: { topic: range.name, partition, partitionCount: 3 },
        })
      }
      await expect(producer.send(range, { key: 'k', value: 'v', partition: 3 })).rejects.toMatchObject({
        code: 'KAFKIT_CLIENT_PARTITION_INVALID',
        details: { topic: range.name, partition: 3, partitionCount: 3 },
      })
      // Nothing reached the log (platformatic's library writes partition 3 to partition 0), and a
      // partition the topic has still gets its record.
      const ends = async () =>
        ((await admin.endOffsets?.(range.name)) ?? [])
          .sort((a, b) => a.partition - b.partition)
          .map((e) => e.offset)
      expect(await ends()).toEqual(['0', '0', '0'])
      expect(await raw.send(to(2))).toMatchObject([{ topic: range.name, partition: 2 }])
      expect(await ends()).toEqual(['0', '0', '1'])
    } finally {
      await Promise.allSettled([raw.disconnect(), admin.disconnect(), producer.disconnect()])
      await dropRange()
    }
  })
})
