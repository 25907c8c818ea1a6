import {
  createConsumer,
  createProducer,
  createTopicAdmin,
  type TopicAction,
  type TopicDeclaration,
} from '@kafkit/client'
import { type ExampleContext, renameTopic, waitFor } from 'kafkit-example-support'
import { type com_kafkit_logs, logsTopic } from './generated'

export interface LogAggregationResult {
  readonly topic: string
  readonly partitions: number
  /** ensureTopics, first run: create the topic with its retention. */
  readonly created: readonly TopicAction[]
  /** ensureTopics after ops raised retention: only the changed configs are altered. */
  readonly retentionChange: readonly TopicAction[]
  /** A third run with the same declaration: nothing left to do. */
  readonly afterwards: readonly TopicAction[]
  /** For each service: the partitions its lines were read from (one each, keyed partitioning). */
  readonly partitionsByService: Record<string, number[]>
  /** Lines per host, as read by the indexer group. */
  readonly linesByHost: Record<string, number>
  /** True when every host's lines of every service arrived in `seq` order. */
  readonly inOrder: boolean
  readonly errors: number
}

export const SERVICES = ['checkout', 'search', 'auth', 'catalog', 'payments']
export const HOSTS = ['web-1', 'web-2', 'web-3', 'worker-1']
const LINES_PER_SERVICE = 5
const PARTITIONS = 6
const DAY_MS = 24 * 3600_000

/** The logs topic as ops declares it, in code: size and retention, reviewed like any change. */
function declaration(name: string, retentionDays: number): TopicDeclaration {
  return {
    topic: name,
    partitions: PARTITIONS,
    retentionMs: retentionDays * DAY_MS,
    retentionBytes: 512 * 1024 * 1024,
    cleanupPolicy: 'delete',
    // Smaller segments let retention delete old data sooner (it removes whole segments).
    configs: { 'segment.ms': 6 * 3600_000 },
  }
}

/**
 * Log aggregation: one producer per host (4 in parallel) ships structured lines of 5 services,
 * keyed by service, so each service's lines land in one partition in order; an indexer group reads
 * them all. The topic's size and retention are declared with the typed admin, and changing the
 * declaration alters only what changed.
 */
export async function main({
  brokers,
  registryUrl,
  runId,
  log,
}: ExampleContext): Promise<LogAggregationResult> {
  const logs = renameTopic(logsTopic, `logs-${runId}`)
  const admin = createTopicAdmin({ brokers, topics: [declaration(logs.name, 3)] })
  try {
    const created = (await admin.ensureTopics()).actions
    log?.(
      `admin: ${created.map((a) => `${a.type} ${a.topic}`).join(', ')} (retention 3 days, 512 MiB per partition)`,
    )
    // Later, ops wants a week of logs: same declaration, new number.
    const weekAdmin = createTopicAdmin({ brokers, topics: [declaration(logs.name, 7)] })
    let retentionChange: readonly TopicAction[]
    let afterwards: readonly TopicAction[]
    try {
      retentionChange = (await weekAdmin.ensureTopics()).actions
      afterwards = (await weekAdmin.ensureTopics({ dryRun: true })).actions
    } finally {
      await weekAdmin.disconnect()
    }
    log?.(`admin: retention raised to 7 days (${retentionChange.length} action)`)

    const start = Date.UTC(2026, 3, 1, 8, 0, 0)
    const shipFrom = async (host: string, h: number) => {
      // Each host runs its own producer, as a log shipper on that machine would.
      const producer = createProducer({
        brokers,
        registry: registryUrl,
        clientId: `shipper-${host}`,
        topics: [logs],
      })
      try {
        for (let seq = 0; seq < LINES_PER_SERVICE; seq++) {
          const lines: com_kafkit_logs.LogLineInput[] = SERVICES.map((service, s) => ({
            service,
            host,
            seq,
            level: (seq + s + h) % 7 === 0 ? 'ERROR' : seq % 2 === 0 ? 'INFO' : 'DEBUG',
            message: `${service} handled request ${seq} on ${host}`,
            at: new Date(start + seq * 1000 + h),
            traceId: `${host}-${seq}`,
          }))
          await producer.sendBatch(
            logs.name,
            lines.map((line) => ({ key: line.service, value: line })),
          )
        }
      } finally {
        await producer.disconnect()
      }
    }
    await Promise.all(HOSTS.map((host, h) => shipFrom(host, h)))
    const total = HOSTS.length * SERVICES.length * LINES_PER_SERVICE
    log?.(`${HOSTS.length} shippers sent ${total} lines`)

    const partitions = new Map<string, Set<number>>()
    const lastSeq = new Map<string, number>()
    const linesByHost: Record<string, number> = {}
    let inOrder = true
    let errors = 0
    let read = 0
    const indexer = createConsumer({
      brokers,
      registry: registryUrl,
      groupId: `indexer-${runId}`,
      topics: [logs],
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
    })
    try {
      await indexer.run({
        eachMessage: ({ partition, value: line }) => {
          read += 1
          const seen = partitions.get(line.service) ?? new Set<number>()
          seen.add(partition)
          partitions.set(line.service, seen)
          const stream = `${line.host}/${line.service}`
          if ((lastSeq.get(stream) ?? -1) >= line.seq) inOrder = false
          lastSeq.set(stream, line.seq)
          linesByHost[line.host] = (linesByHost[line.host] ?? 0) + 1
          if (line.level === 'ERROR') errors += 1
        },
      })
      await waitFor(`${total} lines`, () => read >= total, { failOn: [indexer.whenStopped()] })
    } finally {
      await indexer.stop()
    }
    return {
      topic: logs.name,
      partitions: PARTITIONS,
      created,
      retentionChange,
      afterwards,
      partitionsByService: Object.fromEntries([...partitions].map(([s, p]) => [s, [...p].sort()])),
      linesByHost,
      inOrder,
      errors,
    }
  } finally {
    await admin.deleteTopics().catch(() => {})
    await admin.disconnect()
  }
}
