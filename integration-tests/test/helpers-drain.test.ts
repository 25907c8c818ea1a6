import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGroupConsumer, createProducer } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { committedOffsets, createTopic, deleteTopics, suffix, waitFor } from '../fault/kafka-tools'
import { exited, readWorkerLog, spawnWorker } from '../fault/worker-log'

/** Graceful drain: in-flight work completes, completed work is committed, abandoned work is reported. */
describe('drain on stop() and on SIGTERM', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const orders = topic(`drain-${s}`, stringKey, stringKey)
  const dir = mkdtempSync(join(tmpdir(), 'kafkit-drain-'))
  const records = 400

  beforeAll(async () => {
    await createTopic(brokers, orders.name, 2)
    const producer = createProducer({ brokers })
    await producer.sendBatch(
      orders,
      Array.from({ length: records }, (_, i) => ({ key: `k${i % 7}`, value: String(i) })),
    )
    await producer.disconnect()
  })
  afterAll(async () => {
    await deleteTopics(brokers, [orders.name])
    rmSync(dir, { recursive: true, force: true })
  })

  it('SIGTERM mid-processing: in-flight records complete, committed offsets match the completed work', async () => {
    const groupId = `g-drain-${s}`
    const logFile = join(dir, 'sigterm.log')
    const child = spawnWorker({
      BROKERS: brokers.join(','),
      TOPIC: orders.name,
      GROUP: groupId,
      LOG_FILE: logFile,
      WORK_MS: '150',
      CONCURRENCY: '4',
      DRAIN_MS: '30000',
    })
    try {
      await waitFor(
        () => readWorkerLog(logFile).processed.length >= 30,
        90_000,
        () => `worker processed ${readWorkerLog(logFile).processed.length}; stderr: ${child.stderrText()}`,
      )
      child.kill('SIGTERM')
      expect(await exited(child)).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    const log = readWorkerLog(logFile)
    expect(log.report?.clean).toBe(true)
    expect(log.report?.abandoned).toEqual([])
    // Every handler that started finished: the drain waited for in-flight work.
    const done = new Set(log.processed.map((e) => `${e.partition}:${e.offset}`))
    for (const e of log.started) expect(done.has(`${e.partition}:${e.offset}`)).toBe(true)
    expect(log.processed.length).toBeLessThan(records)
    // The committed offset of each partition is the first offset not completed.
    const committed = await committedOffsets(brokers, groupId, orders.name)
    for (const p of [0, 1]) {
      const completed = new Set(log.processed.filter((e) => e.partition === p).map((e) => e.offset))
      let next = 0n
      while (completed.has(next)) next++
      expect(committed.get(p), `partition ${p}`).toBe(completed.size === 0 ? '-1' : String(next))
    }
  })

  it('stop({ timeoutMs }) reports work still running at the deadline and commits nothing past it', async () => {
    const groupId = `g-drain-deadline-${s}`
    const consumer = createGroupConsumer({
      brokers,
      groupId,
      topics: [orders],
      fromBeginning: true,
      concurrency: 2,
      partitionsConsumedConcurrently: 2,
      deadLetter: false,
    })
    const completed: { partition: number; offset: string }[] = []
    let stuck = 0
    await consumer.run({
      eachMessage: async (m, ctx) => {
        // Offset 5 of each partition never finishes unless abandoned.
        if (m.offset === '5') {
          stuck++
          await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r()))
          return
        }
        completed.push({ partition: m.partition, offset: m.offset })
      },
    })
    await waitFor(
      () => stuck === 2,
      60_000,
      () => `stuck handlers: ${stuck}`,
    )
    expect(consumer.health().status).toBe('up')
    const report = await consumer.stop({ timeoutMs: 300 })
    expect(report.clean).toBe(false)
    expect(report.abandoned.map((a) => `${a.partition}@${a.offset}:${a.reason}`).sort()).toEqual([
      '0@5:drain-deadline',
      '1@5:drain-deadline',
    ])
    expect(consumer.health().status).toBe('down')
    const committed = await committedOffsets(brokers, groupId, orders.name)
    expect(committed.get(0)).toBe('5')
    expect(committed.get(1)).toBe('5')
  })
})
