import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  createGroupConsumer,
  createProducer,
  DLT_HEADERS,
  deadLetterTopicName,
  FatalError,
  REPLAYED_FROM_HEADER,
} from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { createTopic, deleteTopics, readRaw, suffix, waitFor } from '../fault/kafka-tools'

const run = promisify(execFile)
const bin = fileURLToPath(new URL('../../packages/cli/bin/kafkit.js', import.meta.url))

async function kafkit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 120_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

/** `kafkit dlt replay` through the real binary, on dead letters written by the group consumer. */
describe('kafkit dlt replay', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const orders = topic(`replay-${s}`, stringKey, stringKey)
  const other = `replay-other-${s}`
  const dlt = deadLetterTopicName(orders.name)

  beforeAll(async () => {
    await createTopic(brokers, orders.name, 3)
    await createTopic(brokers, other, 2)
    const producer = createProducer({ brokers })
    await producer.sendBatch(orders, [
      { key: 'a', value: 'ok', headers: { trace: 't-a' } },
      { key: 'b', value: 'declined', headers: { trace: 't-b' } },
      { key: 'c', value: 'broken' },
      { key: 'd', value: 'declined' },
    ])
    await producer.disconnect()
    const consumer = createGroupConsumer({
      brokers,
      groupId: `g-${s}`,
      topics: [orders],
      fromBeginning: true,
    })
    await consumer.run({
      eachMessage: (m) => {
        if (m.value === 'declined') throw new FatalError(`declined ${m.key}`)
        if (m.value === 'broken') throw new TypeError(`broken ${m.key}`)
      },
    })
    await waitFor(
      () => consumer.metrics().deadLettered === 3,
      60_000,
      () => `dead letters: ${consumer.metrics().deadLettered}`,
    )
    await consumer.stop()
  })
  afterAll(async () => {
    await deleteTopics(brokers, [orders.name, other, dlt])
  })

  it('--dry-run lists matches and sends nothing; --filter narrows by error class', async () => {
    const r = await kafkit([
      'dlt',
      'replay',
      dlt,
      '--brokers',
      brokers.join(','),
      '--dry-run',
      '--filter',
      'error-class=FatalError',
    ])
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.key).sort()).toEqual(['b', 'd'])
    expect(lines[0].errorClass).toBe('FatalError')
    expect(r.stderr).toMatch(/would replay 2 of 3 dead letter\(s\).*1 filtered out/)
  })

  it('replays to the original topic and partition with the original bytes and headers', async () => {
    const before = await readRaw(brokers, orders.name, 4)
    const r = await kafkit(['dlt', 'replay', dlt, '--brokers', brokers.join(','), '--filter', 'key=b'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/replayed 1 of 3/)
    const after = await readRaw(brokers, orders.name, 5)
    const replayed = after.filter((x) => x.headers[REPLAYED_FROM_HEADER] !== undefined)
    expect(replayed).toHaveLength(1)
    const original = before.find((x) => x.key?.toString() === 'b')
    expect(replayed[0]?.key?.toString()).toBe('b')
    expect(replayed[0]?.value?.equals(original?.value as Buffer)).toBe(true)
    expect(replayed[0]?.partition).toBe(original?.partition)
    expect(replayed[0]?.headers.trace).toBe('t-b')
    expect(replayed[0]?.headers[REPLAYED_FROM_HEADER]).toMatch(new RegExp(`^${dlt}/\\d+@\\d+$`))
    expect(Object.keys(replayed[0]?.headers ?? {}).some((h) => h.startsWith('kafkit-dlt-'))).toBe(false)
  })

  it('--to sends elsewhere; bad input is a clear error with exit 1', async () => {
    const r = await kafkit([
      'dlt',
      'replay',
      dlt,
      '--brokers',
      brokers.join(','),
      '--to',
      other,
      '--filter',
      `${DLT_HEADERS.stage.slice('kafkit-dlt-'.length)}=handler`,
    ])
    expect(r.code, r.stderr).toBe(0)
    const moved = await readRaw(brokers, other, 3)
    expect(moved.map((m) => m.key?.toString()).sort()).toEqual(['b', 'c', 'd'])

    const bad = await kafkit(['dlt', 'replay', dlt, '--brokers', brokers.join(','), '--filter', 'colour=red'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/unknown filter field 'colour': use one of key, original-topic/)
    const noEq = await kafkit(['dlt', 'replay', dlt, '--brokers', brokers.join(','), '--filter', 'oops'])
    expect(noEq.code).toBe(1)
    expect(noEq.stderr).toMatch(/filter 'oops' is not field=value/)
    const missing = await kafkit(['dlt', 'replay', `nope-${s}-dlt`, '--brokers', brokers.join(',')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(
      /KAFKIT_CLIENT_TOPIC_NOT_FOUND: dead-letter topic 'nope-.*' does not exist/,
    )
  })
})
