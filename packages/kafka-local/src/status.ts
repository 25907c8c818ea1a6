import { nodeLayout } from './config'
import { KafkaLocalError } from './errors'
import { isAlive, isOurBroker } from './process'
import { type ClusterView, describeCluster } from './readiness'
import { readClusterState } from './state'
import type { KafkaClusterState } from './types'

export interface KafkaNodeStatus {
  readonly id: number
  readonly bootstrap: string
  /** pid of this node's JVM when it is alive and still our kafka.Kafka process. */
  readonly pid: number | undefined
  /** Listed as a broker in the cluster metadata (asked over the Kafka protocol). */
  readonly inMetadata: boolean
}

export interface KafkaClusterStatus {
  readonly state: KafkaClusterState
  readonly brokers: string[]
  readonly nodes: KafkaNodeStatus[]
  /** The metadata answer, undefined when no broker answered (or another cluster did). */
  readonly metadata: ClusterView | undefined
}

/** Process and protocol view of a cluster found through its state file in `dataDir`. */
export async function kafkaClusterStatus(dataDir: string): Promise<KafkaClusterStatus> {
  const state = await readClusterState(dataDir)
  if (!state) {
    throw new KafkaLocalError('KAFKIT_KAFKA_LOCAL_NOT_RUNNING', `no kafkit cluster state in ${dataDir}`, {
      details: { dataDir },
    })
  }
  const layout = nodeLayout(state.basePort, state.nodes.length)
  const brokers = layout.map((n) => `127.0.0.1:${n.port}`)
  const view = await describeCluster(brokers)
  const metadata = view?.clusterId === state.clusterId ? view : undefined
  const nodes = layout.map((n) => {
    const pid = state.nodes.find((x) => x.id === n.id)?.pid
    const live = pid != null && isAlive(pid) && isOurBroker(pid, state.dataDir, n.id) ? pid : undefined
    return {
      id: n.id,
      bootstrap: `127.0.0.1:${n.port}`,
      pid: live,
      inMetadata: metadata?.brokerIds.includes(n.id) ?? false,
    }
  })
  return { state, brokers, nodes, metadata }
}
