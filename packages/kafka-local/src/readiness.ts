import { setTimeout as sleep } from 'node:timers/promises'
import { fixKafkajsRequestQueue } from '@kafkit/common'
import kafkajs from 'kafkajs'
// kafkajs 2.2.4 ships no types for its internals.
// @ts-expect-error untyped CommonJS module inside kafkajs (version pinned in package.json)
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js'

const { Kafka, logLevel } = kafkajs
// No TimeoutNegativeWarning from kafkajs' idle request queue on Node 24+.
fixKafkajsRequestQueue(RequestQueue)

export interface ClusterView {
  readonly clusterId: string
  readonly controller: number | null
  readonly brokerIds: number[]
}

/** One metadata round trip over the Kafka protocol; undefined when no broker answers. */
export async function describeCluster(brokers: readonly string[]): Promise<ClusterView | undefined> {
  const admin = new Kafka({
    clientId: 'kafkit-kafka-local',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  }).admin()
  try {
    await admin.connect()
    const c = await admin.describeCluster()
    return {
      clusterId: c.clusterId,
      controller: c.controller,
      brokerIds: c.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
    }
  } catch {
    return undefined
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

export interface WaitForBrokersOptions {
  /** The nodes that must be serving, with their own bootstrap address. */
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly address: string }>
  readonly clusterId: string
  readonly deadline: number
  /** Called between polls; throw to abort (e.g. a broker process died). */
  readonly check: () => void
  readonly onPoll?: (seen: number) => void
}

/**
 * Ready = each expected node answers a metadata request on its own address, for *our* cluster
 * (cluster id matches, so a stranger on the port cannot fool us), listing itself and a controller.
 * Asking each node directly matters after a restart: the cluster may still list a dead node until its
 * session expires. Polls; never a fixed sleep.
 */
export async function waitForBrokers(options: WaitForBrokersOptions): Promise<boolean> {
  const { nodes, clusterId, deadline, check, onPoll } = options
  const confirmed = new Set<number>()
  while (Date.now() < deadline) {
    check()
    for (const node of nodes) {
      if (confirmed.has(node.id)) continue
      const view = await describeCluster([node.address])
      if (view?.clusterId === clusterId && view.controller !== null && view.brokerIds.includes(node.id)) {
        confirmed.add(node.id)
      }
    }
    onPoll?.(confirmed.size)
    if (confirmed.size === nodes.length) {
      const view = await describeCluster(nodes.map((n) => n.address))
      if (view?.clusterId === clusterId && nodes.every((n) => view.brokerIds.includes(n.id))) return true
    }
    check()
    await sleep(250)
  }
  return false
}

/** Java's String.hashCode, which Kafka uses to map a group id to its __consumer_offsets partition. */
export function javaStringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/** One group id per __consumer_offsets partition (Kafka: `Utils.abs(groupId.hashCode) % partitions`). */
export function groupIdsCoveringPartitions(partitions: number, prefix = 'kafkit-warmup-'): string[] {
  const byPartition = new Map<number, string>()
  for (let i = 0; byPartition.size < partitions; i++) {
    const id = `${prefix}${i}`
    const p = (javaStringHash(id) & 0x7fffffff) % partitions
    if (!byPartition.has(p)) byPartition.set(p, id)
  }
  return [...byPartition.values()]
}

/**
 * Creates __consumer_offsets and waits until every partition's group coordinator answers. A fresh
 * cluster otherwise answers the first TxnOffsetCommit with NOT_COORDINATOR while the partition loads,
 * which kafkajs 2.2.4's transaction sendOffsets does not retry.
 */
export async function warmUpGroupCoordinators(
  brokers: readonly string[],
  partitions: number,
  deadline: number,
): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'kafkit-kafka-local',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  }).admin()
  try {
    await admin.connect()
    for (const groupId of groupIdsCoveringPartitions(partitions)) {
      for (;;) {
        try {
          await admin.fetchOffsets({ groupId, topics: [] })
          break
        } catch {
          // NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS while the partition loads: try again.
          if (Date.now() > deadline) return false
          await sleep(100)
        }
      }
    }
    return true
  } catch {
    return false
  } finally {
    await admin.disconnect().catch(() => {})
  }
}
