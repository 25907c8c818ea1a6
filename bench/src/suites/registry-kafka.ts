import { findFreeBasePort, type KafkaLocalCluster, startKafka } from '@kafkit/kafka-local'
import { createRegistryApp, type LogRecord, type RegistryApp } from '@kafkit/registry'
import kafkajs from 'kafkajs'
import type { Progress } from '../progress'
import type { Measurements } from './kafka'

export interface RegistryKafkaSettings {
  /** Failover and start-up runs. */
  readonly runs: number
  /** Schema records in the log an instance catches up on at start-up. */
  readonly startupRecords: number
  readonly suffix: string
}

export const REGISTRY_KAFKA_LABELS = {
  writeStall: 'writes: first success after SIGKILL of the log leader',
  election: 'cluster: first metadata naming a new leader (polled, an upper bound)',
  readGap: 'reads: longest gap between two answers (one reader)',
  startup: 'start-up: catch up on the log',
  startupCpu: 'start-up: CPU time the process used for it',
} as const

export interface RegistryKafkaResult {
  readonly failover: Measurements
  readonly startup: Measurements
  readonly brokers: string
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function post(app: RegistryApp, url: string, body: unknown): Promise<number> {
  const res = await app.inject({
    method: url.startsWith('/config') ? 'PUT' : 'POST',
    url,
    headers: { 'content-type': CONTENT_TYPE },
    payload: JSON.stringify(body),
  })
  return res.statusCode
}

const schemaFor = (i: number) =>
  JSON.stringify({
    type: 'record',
    name: 'BenchRecord',
    fields: [
      { name: 'id', type: 'long' },
      { name: `f${i}`, type: 'int', default: 0 },
    ],
  })

/**
 * The Kafka store on a 3-node cluster: (1) how long writes stall when the leader of the log
 * partition is SIGKILLed, and how long reads go unanswered meanwhile; (2) how long a new instance
 * takes to catch up on a log of `startupRecords` schema registrations.
 */
export async function registryKafkaSuite(
  s: RegistryKafkaSettings,
  progress: Progress,
): Promise<RegistryKafkaResult> {
  progress.step('starting a 3-node Kafka with @kafkit/kafka-local ...')
  const cluster: KafkaLocalCluster = await startKafka({ nodes: 3, basePort: await findFreeBasePort(3) })
  progress.step(`kafka ready at ${cluster.brokers.join(',')}`)
  const kafka = new kafkajs.Kafka({
    clientId: 'bench-registry-kafka',
    brokers: cluster.brokers,
    logLevel: kafkajs.logLevel.NOTHING,
  })
  const admin = kafka.admin()
  await admin.connect()
  // Asks once per call, so a dead seed broker costs one failed poll, not a back-off.
  const probe = kafka.admin({ retry: { retries: 0 } })
  await probe.connect()
  try {
    const failover = await failoverRuns(s, cluster, admin, probe, progress)
    const startup = await startupRuns(s, cluster, kafka, progress)
    return {
      failover,
      startup,
      brokers: `3 nodes started by @kafkit/kafka-local (${cluster.brokers.join(',')})`,
    }
  } finally {
    await probe.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
    await cluster.stop()
  }
}

async function fullyReplicated(admin: kafkajs.Admin, topic: string): Promise<void> {
  const until = Date.now() + 120_000
  for (;;) {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined)
    const p = meta?.topics[0]?.partitions[0]
    if (p && p.leader > 0 && p.isr.length === 3) return
    if (Date.now() > until) throw new Error(`topic ${topic} did not get back to 3 in-sync replicas`)
    await sleep(250)
  }
}

async function failoverRuns(
  s: RegistryKafkaSettings,
  cluster: KafkaLocalCluster,
  admin: kafkajs.Admin,
  probe: kafkajs.Admin,
  progress: Progress,
): Promise<Measurements> {
  const topic = `_schemas-bench-failover-${s.suffix}`
  const subject = `bench-failover-${s.suffix}`
  const app = createRegistryApp({ store: { type: 'kafka', brokers: cluster.brokers, topic } })
  await app.registry.ready
  const stalls: number[] = []
  const elections: number[] = []
  const gaps: number[] = []
  let n = 0
  try {
    if ((await post(app, `/config/${subject}`, { compatibility: 'NONE' })) !== 200)
      throw new Error('could not set the bench subject to NONE')
    if ((await post(app, `/subjects/${subject}/versions`, { schema: schemaFor(n++) })) !== 200)
      throw new Error('the first registration failed')
    for (let run = 0; run < s.runs; run++) {
      await fullyReplicated(admin, topic)
      let stop = false
      let killedAt = Number.POSITIVE_INFINITY
      let recoveredAt: number | undefined
      const errors: string[] = []
      const writer = (async () => {
        while (!stop) {
          const sent = performance.now()
          const status = await post(app, `/subjects/${subject}/versions`, { schema: schemaFor(n++) })
          const now = performance.now()
          if (status !== 200) errors.push(`HTTP ${status}`)
          // Only a write sent after the kill: the one in flight may have been acknowledged just before it.
          else if (sent > killedAt && recoveredAt === undefined) recoveredAt = now
        }
      })()
      let lastRead = performance.now()
      let maxGap = 0
      const reader = (async () => {
        while (!stop) {
          const res = await app.inject({ method: 'GET', url: `/subjects/${subject}/versions/latest` })
          const now = performance.now()
          if (res.statusCode !== 200) errors.push(`read HTTP ${res.statusCode}`)
          maxGap = Math.max(maxGap, now - lastRead)
          lastRead = now
          await sleep(5)
        }
      })()
      await sleep(1_000) // writes flowing before the kill
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      const leader = meta.topics[0]?.partitions[0]?.leader as number
      killedAt = performance.now()
      await cluster.stopNode(leader, { hard: true })
      // The broker's own part: the controller fences the dead node after broker.session.timeout.ms
      // and elects a new leader. No client can write before this; the rest of the stall is the store's.
      let electedAt: number | undefined
      const giveUp = Date.now() + 90_000
      while ((recoveredAt === undefined || electedAt === undefined) && Date.now() < giveUp) {
        if (electedAt === undefined) {
          const now = await probe
            .fetchTopicMetadata({ topics: [topic] })
            .then((m) => m.topics[0]?.partitions[0]?.leader)
            .catch(() => undefined)
          if (now !== undefined && now > 0 && now !== leader) electedAt = performance.now()
        }
        await sleep(50)
      }
      await sleep(500) // keep both loops going a little past the recovery
      stop = true
      await Promise.all([writer, reader])
      await cluster.startNode(leader)
      if (recoveredAt === undefined) throw new Error('writes did not recover within 90 s of the kill')
      if (errors.length > 0)
        throw new Error(`failed requests during the failover: ${errors.slice(0, 5).join(', ')}`)
      if (electedAt === undefined) throw new Error('no new leader in the metadata within 90 s of the kill')
      stalls.push((recoveredAt - killedAt) / 1000)
      elections.push((electedAt - killedAt) / 1000)
      gaps.push(maxGap / 1000)
      progress.step(
        `failover run ${run + 1}: node ${leader} killed, new leader after ${((electedAt - killedAt) / 1000).toFixed(2)} s, writes back after ${((recoveredAt - killedAt) / 1000).toFixed(2)} s, longest read gap ${maxGap.toFixed(0)} ms`,
      )
    }
  } finally {
    await app.close()
  }
  return new Map([
    [REGISTRY_KAFKA_LABELS.writeStall, stalls],
    [REGISTRY_KAFKA_LABELS.election, elections],
    [REGISTRY_KAFKA_LABELS.readGap, gaps],
  ])
}

async function startupRuns(
  s: RegistryKafkaSettings,
  cluster: KafkaLocalCluster,
  kafka: kafkajs.Kafka,
  progress: Progress,
): Promise<Measurements> {
  const topic = `_schemas-bench-startup-${s.suffix}`
  // Let the registry create the topic as it would in production, then fill it directly.
  const first = createRegistryApp({ store: { type: 'kafka', brokers: cluster.brokers, topic } })
  await first.registry.ready
  await first.close()
  const producer = kafka.producer()
  await producer.connect()
  const subjects = 1_000
  const started = performance.now()
  try {
    const batch = 2_000
    for (let i = 0; i < s.startupRecords; i += batch) {
      const messages = Array.from({ length: Math.min(batch, s.startupRecords - i) }, (_, j) => {
        const k = i + j
        const record: LogRecord = {
          proposalId: `bench-${s.suffix}-${k}`,
          command: {
            op: 'register',
            subject: `bench-startup-${k % subjects}`,
            schema: schemaFor(k),
            schemaType: 'AVRO',
            references: [],
            normalize: false,
          },
        }
        return { key: record.proposalId, value: JSON.stringify(record) }
      })
      await producer.send({ topic, acks: -1, messages })
    }
  } finally {
    await producer.disconnect()
  }
  progress.step(
    `${s.startupRecords.toLocaleString('en-US')} register records produced in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  const times: number[] = []
  const cpu: number[] = []
  for (let run = 0; run < s.runs; run++) {
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const app = createRegistryApp({ store: { type: 'kafka', brokers: cluster.brokers, topic } })
    try {
      await app.registry.ready
      const seconds = (performance.now() - t0) / 1000
      const used = process.cpuUsage(cpu0)
      const cpuSeconds = (used.user + used.system) / 1e6
      const versions = app.registry.state.listVersions('bench-startup-0').length
      if (app.registry.state.appliedCount !== s.startupRecords || versions !== s.startupRecords / subjects) {
        throw new Error(
          `start-up applied ${app.registry.state.appliedCount} records and ${versions} versions of bench-startup-0; expected ${s.startupRecords} and ${s.startupRecords / subjects}`,
        )
      }
      times.push(seconds)
      cpu.push(cpuSeconds)
      progress.step(
        `start-up run ${run + 1}: caught up on ${s.startupRecords.toLocaleString('en-US')} records in ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} s CPU)`,
      )
    } finally {
      await app.close()
    }
  }
  const records = `(${s.startupRecords.toLocaleString('en-US')} records)`
  return new Map([
    [`${REGISTRY_KAFKA_LABELS.startup} ${records}`, times],
    [`${REGISTRY_KAFKA_LABELS.startupCpu} ${records}`, cpu],
  ])
}
