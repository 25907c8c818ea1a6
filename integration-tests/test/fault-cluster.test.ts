import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createProducer } from '@kafkit/client'
import { engineFromEnv } from '@kafkit/client/engine'
import { findFreeBasePort, type KafkaLocalCluster, startKafka } from '@kafkit/kafka-local'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { startTestRegistry, type TestRegistry } from '../../packages/client/test/fixtures/integration'
import { checkDelivery } from '../fault/delivery-check'
import { drillKeyOf, leaderOf, readLog, runKafkitProduce, tickSchema } from '../fault/delivery-drill'
import { createTopic, deleteTopics, suffix, waitFor } from '../fault/kafka-tools'
import { exited, readWorkerLog, spawnWorker, type WorkerLog } from '../fault/worker-log'

/**
 * Fault tolerance on a real 3-node cluster (RF 3, min.insync.replicas 2), started here on free
 * ports: partition leaders SIGKILLed while produce requests are in flight (through the CLI binary and
 * the library), and a group member SIGKILLed while consuming. The verdicts come from the log itself
 * (end offsets and a full read-back) through checkDelivery, whose unit test shows it fails on a loss,
 * a duplicate and a reorder.
 */
describe('fault tolerance on a 3-node cluster', () => {
  let cluster: KafkaLocalCluster
  let registry: TestRegistry
  const s = suffix()
  const dir = mkdtempSync(join(tmpdir(), 'kafkit-fault-'))
  const topics: string[] = []

  beforeAll(async () => {
    const started = Date.now()
    cluster = await startKafka({ nodes: 3, basePort: await findFreeBasePort(3) })
    registry = await startTestRegistry()
    console.log(
      `[fault] 3-node cluster ready in ${((Date.now() - started) / 1000).toFixed(1)}s (engine: ${engineFromEnv()})`,
    )
  }, 240_000)
  afterAll(async () => {
    if (cluster) await deleteTopics(cluster.brokers, topics)
    await cluster?.stop()
    await registry?.close()
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  // The producer drills: brokers die while records await acknowledgement, and the log itself (end
  // offsets, then a full read-back) must hold every acknowledged record exactly once, in key order.
  // Three kill points each, so a loss that happens one time in three cannot pass.
  const killPoints = [0.3, 0.5, 0.7]

  /** Kills `victim` now, restarts it `downMs` later; the returned promise ends when it is back. */
  const bounce = async (victim: number, downMs: number) => {
    await cluster.stopNode(victim, { hard: true })
    await new Promise((r) => setTimeout(r, downMs))
    await cluster.startNode(victim)
  }

  const verdict = async (name: string, expected: number, format: 'text' | 'tick') => {
    const log = await readLog(cluster.brokers, name, format)
    const report = checkDelivery({ expected, keyOf: drillKeyOf, ...log })
    expect(report.problems, report.problems.join('\n')).toEqual([])
    return report
  }

  it.each(killPoints)(
    'kafkit produce (the real binary): 100,000 Avro records, a partition leader SIGKILLed at %s of the run with requests in flight',
    async (at) => {
      const started = Date.now()
      const name = `drill-cli-${s}-${Math.round(at * 100)}`
      topics.push(name)
      await createTopic(cluster.brokers, name, 6, 3, { 'min.insync.replicas': '2' })
      const schemaFile = join(dir, `tick-${name}.avsc`)
      writeFileSync(schemaFile, JSON.stringify(tickSchema))
      const total = 100_000
      const victim = await leaderOf(cluster.brokers, name, Math.round(at * 10) % 6)
      let kill: { sent: number; awaiting: number; inFlight: number } | undefined
      let bounced: Promise<void> | undefined
      const run = runKafkitProduce(
        [
          name,
          '--value-schema',
          schemaFile,
          '--registry',
          registry.url,
          '--brokers',
          cluster.brokers.join(','),
          '--progress',
          '50',
        ],
        function* () {
          for (let i = 0; i < total; i++) {
            yield JSON.stringify({ key: drillKeyOf(i), value: { k: drillKeyOf(i), seq: i } })
          }
        },
        (p) => {
          // Kill on a progress line that shows records awaiting acknowledgement: they are in flight.
          if (kill === undefined && p.sent >= total * at && p.awaiting > 0) {
            kill = p
            bounced = bounce(victim, 6_000)
          }
        },
      )
      let result: { code: number | null; stderr: string }
      try {
        result = await run.done
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL')
        await bounced
      }
      expect(kill, `no progress line showed records awaiting acknowledgement: ${result.stderr}`).toBeDefined()
      expect(result.code, result.stderr).toBe(0)
      expect(result.stderr).toMatch(new RegExp(`sent ${total} record\\(s\\) to ${name}`))
      const report = await verdict(name, total, 'tick')
      console.log(
        `[fault] CLI drill at ${at}: broker ${victim} SIGKILLed after ${kill?.sent} acknowledged, with ${kill?.awaiting} record(s) awaiting acknowledgement (${kill?.inFlight} in the request in flight); log holds ${report.endOffsetTotal}/${total}, each once, in key order (${((Date.now() - started) / 1000).toFixed(1)}s)`,
      )
    },
    300_000,
  )

  it.each(killPoints)(
    'the library: concurrent sendBatch calls (Promise.all) across all partitions, a partition leader SIGKILLed at %s with sends in flight',
    async (at) => {
      const started = Date.now()
      const name = `drill-lib-${s}-${Math.round(at * 100)}`
      topics.push(name)
      const t = topic(name, stringKey, stringKey)
      await createTopic(cluster.brokers, name, 6, 3, { 'min.insync.replicas': '2' })
      const total = 60_000
      const perCall = 500
      const parallel = 4
      const victim = await leaderOf(cluster.brokers, name, (Math.round(at * 10) + 3) % 6)
      // The documented defaults: acks=all, idempotence, retries.
      const producer = createProducer({ brokers: cluster.brokers })
      let killedWith: { inFlight: number; queued: number } | undefined
      let bounced: Promise<void> | undefined
      try {
        for (let i = 0; i < total; i += perCall * parallel) {
          const calls = Array.from({ length: parallel }, (_, c) => {
            const from = i + c * perCall
            return producer.sendBatch(
              t,
              Array.from({ length: perCall }, (_, j) => ({
                key: drillKeyOf(from + j),
                value: String(from + j),
              })),
            )
          })
          if (killedWith === undefined && i >= total * at) {
            // Let the first request reach the wire, then kill while all four calls are unsettled.
            await new Promise((r) => setTimeout(r, 2))
            killedWith = producer.pending
            bounced = bounce(victim, 6_000)
          }
          await Promise.all(calls)
        }
      } finally {
        await producer.disconnect()
        await bounced
      }
      expect(killedWith).toBeDefined()
      expect((killedWith?.inFlight ?? 0) + (killedWith?.queued ?? 0)).toBeGreaterThan(0)
      const report = await verdict(name, total, 'text')
      console.log(
        `[fault] library drill at ${at}: broker ${victim} SIGKILLed with ${killedWith?.inFlight} record(s) in flight and ${killedWith?.queued} queued; log holds ${report.endOffsetTotal}/${total}, each once, in key order (${((Date.now() - started) / 1000).toFixed(1)}s)`,
      )
    },
    300_000,
  )

  it('a group member SIGKILLed mid-processing: nothing lost, duplicates only in its uncommitted window, key order kept', async () => {
    const started = Date.now()
    const name = `fault-consume-${s}`
    const groupId = `g-consume-${s}`
    topics.push(name)
    const t = topic(name, stringKey, stringKey)
    await createTopic(cluster.brokers, name, 6, 3, { 'min.insync.replicas': '2' })
    const total = 12_000
    const keys = 200
    const producer = createProducer({ brokers: cluster.brokers })
    for (let i = 0; i < total; i += 2_000) {
      await producer.sendBatch(
        t,
        Array.from({ length: 2_000 }, (_, j) => ({ key: `k${(i + j) % keys}`, value: String(i + j) })),
      )
    }
    await producer.disconnect()

    const files = [0, 1, 2].map((i) => join(dir, `member-${i}.log`))
    const workers = files.map((f) =>
      spawnWorker({
        BROKERS: cluster.brokers.join(','),
        TOPIC: name,
        GROUP: groupId,
        LOG_FILE: f,
        WORK_MS: '3',
        CONCURRENCY: '4',
      }),
    )
    const logs = () => files.map(readWorkerLog)
    const distinct = () => {
      const set = new Set<string>()
      for (const l of logs()) for (const e of l.processed) set.add(`${e.partition}:${e.offset}`)
      return set.size
    }
    try {
      // Kill member 0 mid-processing, once the group has settled on three members that all work.
      await waitFor(
        () => logs().every((l) => l.processed.length >= 100),
        180_000,
        () =>
          `processed per member ${logs().map((l) => l.processed.length)}; stderr: ${workers.map((w) => w.stderrText()).join(' | ')}`,
      )
      workers[0]?.kill('SIGKILL')
      await exited(workers[0] as NonNullable<(typeof workers)[0]>)
      await waitFor(
        () => distinct() >= total,
        240_000,
        () => `distinct processed ${distinct()}/${total}`,
      )
      for (const w of workers.slice(1)) w.kill('SIGTERM')
      for (const w of workers.slice(1)) expect(await exited(w)).toBe(0)
    } finally {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL')
    }

    const all: WorkerLog[] = logs()
    const victim = all[0] as WorkerLog
    // Every record processed at least once, and it is the record that was written.
    const byRecord = new Map<string, number[]>()
    all.forEach((l, member) => {
      for (const e of l.processed) {
        expect(e.key).toBe(`k${e.value % keys}`)
        const id = `${e.partition}:${e.offset}`
        byRecord.set(id, [...(byRecord.get(id) ?? []), member])
      }
    })
    expect(byRecord.size).toBe(total)
    const values = new Set(all.flatMap((l) => l.processed.map((e) => e.value)))
    expect(values.size).toBe(total)

    // A record is handled again only when no commit past it had happened before: duplicates stay
    // within the uncommitted window.
    const commits = all.flatMap((l) => [...l.commits].flatMap(([p, list]) => list.map((c) => ({ p, ...c }))))
    const events = all
      .flatMap((l, member) => l.processed.map((e) => ({ ...e, member })))
      .sort((a, b) => a.at - b.at)
    const firstBy = new Map<string, number>()
    let duplicates = 0
    for (const e of events) {
      const id = `${e.partition}:${e.offset}`
      const first = firstBy.get(id)
      if (first === undefined) {
        firstBy.set(id, e.member)
        continue
      }
      duplicates++
      // Only the killed member could leave work unacknowledged: a survivor's records are never redone.
      expect(first, `record ${id} handled twice, first by surviving member ${first}`).toBe(0)
      const committedPast = commits.filter((c) => c.p === e.partition && c.at < e.at && c.offset > e.offset)
      expect(committedPast, `record ${id} handled again after a commit past it`).toEqual([])
    }
    // The victim's uncommitted window: what it handled past its last commit of each partition.
    const lastCommit = (l: WorkerLog, p: number) => {
      let max = -1n
      for (const c of l.commits.get(p) ?? []) if (c.offset > max) max = c.offset
      return max
    }
    let victimWindow = 0
    for (const e of victim.processed) if (lastCommit(victim, e.partition) <= e.offset) victimWindow++
    expect(
      duplicates,
      'more duplicates than the victim had processed past its last commit',
    ).toBeLessThanOrEqual(victimWindow)
    // Per key, within each member, a record never runs before an earlier one unless it is a re-delivery.
    all.forEach((l) => {
      const last = new Map<string, number>()
      for (const e of l.processed) {
        const prev = last.get(e.key)
        if (prev !== undefined && e.value < prev) {
          expect(
            (byRecord.get(`${e.partition}:${e.offset}`) ?? []).length,
            `key ${e.key} out of order`,
          ).toBeGreaterThan(1)
        }
        last.set(e.key, Math.max(prev ?? -1, e.value))
      }
    })
    expect(all[1]?.report?.clean).toBe(true)
    expect(all[2]?.report?.clean).toBe(true)
    console.log(
      `[fault] group kill: ${duplicates} duplicates (victim processed ${victim.processed.length}, uncommitted window ${victimWindow}) in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    )
  }, 600_000)
})
