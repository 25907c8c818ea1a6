import type { KafkaLocalSecurity, KafkaSecurityState } from './security'

/** Progress reported while jars download and brokers start (libraries never print; callers may). */
export type KafkaLocalProgress =
  | { readonly type: 'check-tools' }
  | { readonly type: 'jars-cached'; readonly libsDir: string }
  | { readonly type: 'jars-resolving'; readonly version: string }
  | { readonly type: 'jar-downloaded'; readonly artifact: string; readonly count: number }
  | { readonly type: 'jars-resolved'; readonly libsDir: string; readonly jars: number }
  | { readonly type: 'formatting'; readonly nodeId: number }
  | { readonly type: 'node-spawned'; readonly nodeId: number; readonly pid: number }
  | { readonly type: 'waiting-for-brokers'; readonly expected: number; readonly seen: number }
  | { readonly type: 'ready'; readonly brokers: readonly string[] }

export type KafkaLocalProgressListener = (event: KafkaLocalProgress) => void

/** Where one node listens and lives. */
export interface KafkaNodeInfo {
  readonly id: number
  /** PLAINTEXT (client) port. */
  readonly port: number
  readonly controllerPort: number
  /** `127.0.0.1:<port>` */
  readonly bootstrap: string
  /** This node's directory (server.properties, data/, logs/, stdout.log). */
  readonly dir: string
  /** pid of the node's JVM, undefined while stopped. */
  readonly pid: number | undefined
}

export interface StopNodeOptions {
  /** SIGKILL instead of SIGTERM (a crash, for fault tests). */
  readonly hard?: boolean
}

/** A running local cluster; stop() kills only the JVMs it started. */
export interface KafkaLocalCluster {
  /** Bootstrap servers, one per node: `127.0.0.1:<port>`. */
  readonly brokers: string[]
  readonly clusterId: string
  readonly dataDir: string
  readonly kafkaVersion: string
  /** The secured listeners, users and CA when started with `security`; undefined otherwise. */
  readonly security: KafkaLocalSecurity | undefined
  nodes(): KafkaNodeInfo[]
  stopNode(id: number, options?: StopNodeOptions): Promise<void>
  startNode(id: number): Promise<void>
  stop(): Promise<void>
}

/** What `kafkit-cluster.json` in the data dir holds: enough to find and stop the JVMs from another process. */
export interface KafkaClusterState {
  readonly format: 1
  readonly kafkaVersion: string
  readonly clusterId: string
  readonly dataDir: string
  /** True when the data dir was created by startKafka (and is removed by stop). */
  readonly ownsDataDir: boolean
  readonly basePort: number
  readonly libsDir: string
  readonly java: string
  readonly heap: string
  readonly startedAt: string
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly pid: number | null }>
  /** Set when the cluster has the secured listeners (throwaway users and keystore password). */
  readonly security?: KafkaSecurityState | undefined
}
