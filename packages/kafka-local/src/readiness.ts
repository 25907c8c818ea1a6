import { setTimeout as sleep } from 'node:timers/promises'
import kafkajs from 'kafkajs'

const { Kafka, logLevel } = kafkajs

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
