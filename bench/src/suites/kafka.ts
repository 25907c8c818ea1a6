import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka } from 'kafkajs'
import { type BenchEvent, makeEvent, nowMs } from '../payload'
import type { KafkaPeer } from '../peers/types'
import type { Progress } from '../progress'
import { percentile } from '../stats'

export interface KafkaSuiteSettings {
  readonly runs: number
  readonly partitions: number
  readonly batchSize: number
  readonly produceMessages: number
  readonly consumeMessages: number
  readonly latencyRate: number
  readonly latencySeconds: number
  readonly latencyWarmupSeconds: number
  readonly suffix: string
}

/** Per peer label, one figure per run. */
export type Measurements = Map<string, number[]>

function push(m: Measurements, label: string, value: number): void {
  const list = m.get(label) ?? []
  list.push(value)
  m.set(label, list)
}

/** Peers in a different order each run, so no one always goes first (warm JIT, page cache). */
function rotate<T>(list: readonly T[], run: number): T[] {
  const k = run % list.length
  return [...list.slice(k), ...list.slice(0, k)]
}

async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    })
  } finally {
    await admin.disconnect()
  }
}

function batches(events: readonly BenchEvent[], size: number): BenchEvent[][] {
  const out: BenchEvent[][] = []
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size))
  return out
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Produce msgs/s: `produceMessages` events in batches of `batchSize`, one request in flight, acks all. */
export async function produceSuite(
  kafka: Kafka,
  peers: readonly KafkaPeer[],
  s: KafkaSuiteSettings,
  progress: Progress,
): Promise<Measurements> {
  const events = Array.from({ length: s.produceMessages }, (_, i) => makeEvent(i))
  const work = batches(events, s.batchSize)
  const result: Measurements = new Map()
  // Run -1 is an untimed warm-up of every peer (JIT, connections), then the measured runs.
  for (let run = -1; run < s.runs; run++) {
    for (const peer of rotate(peers, Math.max(0, run))) {
      const topic = `bench-produce-${peer.id}-${run + 1}-${s.suffix}`
      await createTopic(kafka, topic, s.partitions)
      // One untimed batch: metadata, connections and schema registration happen here.
      await peer.send(topic, work[0]!)
      const t0 = performance.now()
      for (const batch of work) await peer.send(topic, batch)
      const seconds = (performance.now() - t0) / 1000
      const rate = s.produceMessages / seconds
      if (run < 0) {
        progress.step(
          `produce warm-up ${peer.label}: ${Math.round(rate).toLocaleString('en-US')} msgs/s (not counted)`,
        )
        continue
      }
      push(result, peer.label, rate)
      progress.step(
        `produce run ${run + 1}/${s.runs} ${peer.label}: ${Math.round(rate).toLocaleString('en-US')} msgs/s`,
      )
    }
  }
  return result
}

/**
 * Consume-and-decode msgs/s: each peer's own topic is filled once (untimed) with `consumeMessages`
 * events; each run a new group reads it from the beginning. Timed from the first decoded record to
 * the last, so group join time is left out; every sequence number must arrive exactly once.
 */
export async function consumeSuite(
  kafka: Kafka,
  peers: readonly KafkaPeer[],
  s: KafkaSuiteSettings,
  progress: Progress,
): Promise<Measurements> {
  const events = Array.from({ length: s.consumeMessages }, (_, i) => makeEvent(i))
  const work = batches(events, s.batchSize)
  const topics = new Map<string, string>()
  for (const peer of peers) {
    const topic = `bench-consume-${peer.id}-${s.suffix}`
    await createTopic(kafka, topic, s.partitions)
    for (const batch of work) await peer.send(topic, batch)
    topics.set(peer.id, topic)
    progress.step(`consume: filled ${topic} with ${s.consumeMessages.toLocaleString('en-US')} events`)
  }
  const expectedSum = (s.consumeMessages * (s.consumeMessages - 1)) / 2
  const result: Measurements = new Map()
  // Run -1 is an untimed warm-up of every peer's consumer and decoder.
  for (let run = -1; run < s.runs; run++) {
    for (const peer of rotate(peers, Math.max(0, run))) {
      let count = 0
      let sum = 0
      let first = 0
      let last = 0
      let finish: () => void = () => {}
      const done = new Promise<void>((resolve) => {
        finish = resolve
      })
      const stop = await peer.subscribe(
        topics.get(peer.id)!,
        `bench-consume-${peer.id}-${run + 1}-${s.suffix}`,
        (e) => {
          if (count === 0) first = performance.now()
          count++
          sum += e.sequence
          if (count === s.consumeMessages) {
            last = performance.now()
            finish()
          }
        },
      )
      try {
        await withTimeout(done, 180_000, `${peer.label} consuming ${s.consumeMessages} records`)
      } finally {
        await stop()
      }
      if (sum !== expectedSum) {
        throw new Error(`${peer.label} decoded wrong records: sequence sum ${sum}, expected ${expectedSum}`)
      }
      const rate = (s.consumeMessages - 1) / ((last - first) / 1000)
      if (run < 0) {
        progress.step(
          `consume warm-up ${peer.label}: ${Math.round(rate).toLocaleString('en-US')} msgs/s (not counted)`,
        )
        continue
      }
      push(result, peer.label, rate)
      progress.step(
        `consume run ${run + 1}/${s.runs} ${peer.label}: ${Math.round(rate).toLocaleString('en-US')} msgs/s`,
      )
    }
  }
  return result
}

/** Ping keys sent before the latency clock starts; 30 keys miss one of 3 partitions with odds ~1e-5. */
const PING_KEYS = 30

export interface LatencyMeasurements {
  readonly p50: Measurements
  readonly p99: Measurements
}

/**
 * End-to-end latency at a fixed rate: events are scheduled every 1000/rate ms and stamped with their
 * scheduled time (so a stalled sender cannot hide delay), sent without waiting for the previous send,
 * and timed when the consumer hands them over decoded. The first `latencyWarmupSeconds` are dropped.
 */
export async function latencySuite(
  kafka: Kafka,
  peers: readonly KafkaPeer[],
  s: KafkaSuiteSettings,
  progress: Progress,
): Promise<LatencyMeasurements> {
  const total = Math.round(s.latencyRate * s.latencySeconds)
  const warmup = Math.round(s.latencyRate * s.latencyWarmupSeconds)
  const interval = 1000 / s.latencyRate
  const p50: Measurements = new Map()
  const p99: Measurements = new Map()
  for (let run = 0; run < s.runs; run++) {
    for (const peer of rotate(peers, run)) {
      const topic = `bench-latency-${peer.id}-${run}-${s.suffix}`
      await createTopic(kafka, topic, s.partitions)
      const latencies: number[] = []
      let received = 0
      let finish: () => void = () => {}
      const done = new Promise<void>((resolve) => {
        finish = resolve
      })
      const pinged = new Set<number>()
      const stop = await peer.subscribe(topic, `bench-latency-${peer.id}-${run}-${s.suffix}`, (e) => {
        if (e.sequence < 0) {
          pinged.add(e.sequence)
          return
        }
        if (e.sequence >= warmup) latencies.push(nowMs() - e.sentAt)
        if (++received === total) finish()
      })
      try {
        // Ready when pings under PING_KEYS different keys (so on every partition, in practice) made the
        // round trip: the group is joined, every partition is fetched and the producer knows every leader.
        const readyBy = Date.now() + 60_000
        while (pinged.size < PING_KEYS) {
          if (Date.now() > readyBy) {
            throw new Error(
              `${peer.label} consumer received pings for ${pinged.size}/${PING_KEYS} keys in 60 s`,
            )
          }
          const now = nowMs()
          await peer.send(
            topic,
            Array.from({ length: PING_KEYS }, (_, k) => makeEvent(-1 - k, now)),
          )
          await sleep(100)
        }
        const sends: Promise<void>[] = []
        let failure: unknown
        const start = nowMs()
        let sent = 0
        while (sent < total) {
          const due = Math.min(total, Math.floor((nowMs() - start) / interval) + 1)
          if (due > sent) {
            const batch: BenchEvent[] = []
            for (let i = sent; i < due; i++) batch.push(makeEvent(i, start + i * interval))
            sends.push(
              peer.send(topic, batch).catch((error: unknown) => {
                failure ??= error
              }),
            )
            sent = due
          }
          await sleep(1)
        }
        await Promise.all(sends)
        if (failure) throw failure
        await withTimeout(done, 60_000, `${peer.label} receiving ${total} latency records`)
      } finally {
        await stop()
      }
      const a = percentile(latencies, 50)
      const b = percentile(latencies, 99)
      push(p50, peer.label, a)
      push(p99, peer.label, b)
      progress.step(
        `latency run ${run + 1}/${s.runs} ${peer.label}: p50 ${a.toFixed(2)} ms, p99 ${b.toFixed(2)} ms (${latencies.length} samples)`,
      )
    }
  }
  return { p50, p99 }
}
