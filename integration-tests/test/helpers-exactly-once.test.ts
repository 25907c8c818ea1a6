import { createExactlyOnceTransformer, createProducer } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import {
  committedOffsets,
  createTopic,
  deleteTopics,
  endOffsets,
  type RawRecord,
  readRaw,
  suffix,
  waitFor,
} from '../fault/kafka-tools'

/**
 * Exactly-once consume-transform-produce: a transform fails halfway through a transaction after it
 * already sent outputs; the transaction aborts (outputs invisible, offsets not committed), and a
 * second instance of the group carries on. A read_committed reader sees each input's output once.
 */
describe('exactly-once transformer on kafkajs transactions', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const input = topic(`eos-in-${s}`, stringKey, stringKey)
  const output = topic(`eos-out-${s}`, stringKey, stringKey)
  const groupId = `g-eos-${s}`
  const total = 200

  beforeAll(async () => {
    await createTopic(brokers, input.name, 2)
    await createTopic(brokers, output.name, 2)
    const producer = createProducer({ brokers })
    await producer.sendBatch(
      input,
      Array.from({ length: total }, (_, i) => ({ key: `k${i % 10}`, value: String(i) })),
    )
    await producer.disconnect()
  })
  afterAll(async () => {
    await deleteTopics(brokers, [input.name, output.name, `${input.name}-dlt`])
  })

  it('an aborted transaction leaves no output and no offset; the restart yields each output exactly once', async () => {
    const make = (failOn: string | undefined) =>
      createExactlyOnceTransformer({
        brokers,
        groupId,
        transactionalId: `eos-${s}`,
        from: [input],
        to: [output],
        fromBeginning: true,
        maxRecordsPerTransaction: 25,
        transform: async (m, out) => {
          await out.send(output, { key: m.key, value: `x${m.value}` })
          if (m.value === failOn) throw new Error(`transform failed on ${m.value}`)
        },
      })
    const first = make('150')
    await first.run()
    await expect(first.whenStopped()).rejects.toThrow(/aborted: transform failed on 150/)
    await first.stop()

    const second = make(undefined)
    await second.run()
    const ends = await endOffsets(brokers, input.name)
    await waitFor(
      async () => {
        const c = await committedOffsets(brokers, groupId, input.name)
        return [...ends].every(([p, end]) => c.get(p) === end)
      },
      60_000,
      () => 'group offsets at the end of the input',
    )
    await second.stop()
    await expect(second.whenStopped()).resolves.toBeUndefined()

    // Close each output partition with a plain marker, then read up to the markers.
    const marker = createProducer({ brokers })
    await marker.sendBatch(output, [
      { key: 'END', value: 'END', partition: 0 },
      { key: 'END', value: 'END', partition: 1 },
    ])
    await marker.disconnect()
    const untilMarkers = (rs: RawRecord[]) => rs.filter((r) => r.key?.toString() === 'END').length === 2
    const committedView = await readRaw(brokers, output.name, 0, 60_000, { until: untilMarkers })
    const values = committedView.map((r) => r.value?.toString()).filter((v) => v !== 'END')
    expect(values).toHaveLength(total)
    expect(new Set(values)).toEqual(new Set(Array.from({ length: total }, (_, i) => `x${i}`)))

    // The aborted outputs were really written: a read_uncommitted reader sees them as extra records.
    const dirtyView = await readRaw(brokers, output.name, 0, 60_000, {
      until: untilMarkers,
      readUncommitted: true,
    })
    expect(dirtyView.length - 2).toBeGreaterThan(total)
  })
})
