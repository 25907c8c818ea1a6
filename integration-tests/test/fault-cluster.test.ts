import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGroupConsumer, createProducer } from '@kafkit/client'
import { findFreeBasePort, type KafkaLocalCluster, startKafka } from '@kafkit/kafka-local'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { createTopic, deleteTopics, kafka, suffix, waitFor } from '../fault/kafka-tools'
import { exited, readWorkerLog, spawnWorker, type WorkerLog } from '../fault/worker-log'

/**
 * Fault tolerance on a real 3-node cluster (RF 3, min.insync.replicas 2), started here on free
 * ports: a broker killed with SIGKILL while producing, and a group member killed while consuming.
 */
describe('fault tolerance on a 3-node cluster', () => {
  let cluster: KafkaLocalCluster
  const s = suffix()
  const dir = mkdtempSync(join(tmpdir(), 'kafkit-fault-'))
  const topics: string[] = []

  beforeAll(async () => {
    const started = Date.now()
    cluster = await startKafka({ nodes: 3, basePort: await findFreeBasePort(3) })
    console.log(`[fault] 3-node cluster ready in ${((Date.now() - started) / 1000).toFixed(1)}s`)
  }, 240_000)
  afterAll(async () => {
    if (cluster) await deleteTopics(cluster.brokers, topics)
    await cluster?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it('100,000 records with acks=all + idempotence survive a SIGKILLed broker: read exactly once, in key order', async () => {
    const started = Date.now()
    const name = `fault-produce-${s}`
    topics.push(name)
    const t = topic(name, stringKey, stringKey)
    await createTopic(cluster.brokers, name, 6, 3, { 'min.insync.replicas': '2' })
    const total = 100_000
    const keys = 500
    const batch = 1_000
    // The producer's defaults as documented (docs/client.md): acks=all, idempotence, and a retry back-off
    // that outlasts the time the controller takes to fence the dead broker and move its leaderships.
    const producer = createProducer({ brokers: cluster.brokers })
    // Kill the leader of partition 0 so the producer must fail over mid-stream.
    const admin = kafka(cluster.brokers).admin()
    await admin.connect()
    const meta = await admin.fetchTopicMetadata({ topics: [name] })
    await admin.disconnect()
    const victim = meta.topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader as number
    expect([1, 2, 3]).toContain(victim)
    let down = false
    try {
      for (let i = 0; i < total; i += batch) {
        if (i === total / 2) {
          await cluster.stopNode(victim, { hard: true })
          down = true
        }
        if (i === (total * 3) / 4) {
          await cluster.startNode(victim)
          down = false
        }
        await producer.sendBatch(
          t,
          Array.from({ length: batch }, (_, j) => ({ key: `k${(i + j) % keys}`, value: String(i + j) })),
        )
      }
    } finally {
      await producer.disconnect()
      // The next test needs all three nodes.
      if (down) await cluster.startNode(victim)
    }
    const produced = Date.now()

    const seen = new Uint8Array(total)
    const lastPerKey = new Map<string, number>()
    let outOfOrder = 0
    let count = 0
    const consumer = createGroupConsumer({
      brokers: cluster.brokers,
      groupId: `g-produce-${s}`,
      topics: [t],
      fromBeginning: true,
      concurrency: 16,
      partitionsConsumedConcurrently: 3,
      deadLetter: false,
    })
    await consumer.run({
      eachMessage: (m) => {
        const v = Number(m.value)
        seen[v] = (seen[v] as number) + 1
        count++
        if (m.key !== `k${v % keys}`) outOfOrder++
        const last = lastPerKey.get(m.key)
        if (last !== undefined && last >= v) outOfOrder++
        lastPerKey.set(m.key, v)
      },
    })
    await waitFor(
      () => count >= total,
      240_000,
      () => `consumed ${count}/${total}`,
    )
    // Anything extra (a duplicate) would arrive right behind; the lag says the group is at the end.
    await waitFor(
      () => {
        const lag = consumer.lag()
        return lag.length === 6 && lag.every((l) => l.lag === 0)
      },
      60_000,
      () => JSON.stringify(consumer.lag()),
    )
    await consumer.stop()
    expect(count).toBe(total)
    expect(seen.every((n) => n === 1)).toBe(true)
    expect(outOfOrder).toBe(0)
    expect(lastPerKey.size).toBe(keys)
    console.log(
      `[fault] produce ${total} with broker ${victim} killed: ${((produced - started) / 1000).toFixed(1)}s, consume ${((Date.now() - produced) / 1000).toFixed(1)}s`,
    )
  }, 600_000)

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
    const events = all.flatMap((l) => l.processed).sort((a, b) => a.at - b.at)
    const firstSeen = new Set<string>()
    let duplicates = 0
    for (const e of events) {
      const id = `${e.partition}:${e.offset}`
      if (!firstSeen.has(id)) {
        firstSeen.add(id)
        continue
      }
      duplicates++
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
