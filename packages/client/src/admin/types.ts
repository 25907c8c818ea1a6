import type { TopicDescriptor } from '@kafkit/common'
import type { EngineName, EngineOption } from '../engine/resolve'
import type { Logger } from '../logger'

/** A topic declared in code. Only what is declared is checked; other settings are left alone. */
export interface TopicDeclaration {
  /** The topic descriptor (from codegen) or a plain name. */
  readonly topic: TopicDescriptor | string
  readonly partitions: number
  /** Replicas per partition; the broker's default.replication.factor when omitted. */
  readonly replicationFactor?: number | undefined
  /** retention.ms (-1 = forever). */
  readonly retentionMs?: number | undefined
  /** retention.bytes (-1 = no size limit). */
  readonly retentionBytes?: number | undefined
  readonly cleanupPolicy?: 'delete' | 'compact' | 'compact,delete' | undefined
  /** Any other topic config, as Kafka names it (e.g. `min.insync.replicas`). */
  readonly configs?: Readonly<Record<string, string | number>> | undefined
}

export type TopicAction =
  | {
      readonly type: 'create'
      readonly topic: string
      readonly partitions: number
      readonly replicationFactor: number | undefined
      readonly configs: Readonly<Record<string, string>>
    }
  | {
      readonly type: 'add-partitions'
      readonly topic: string
      readonly from: number
      readonly to: number
    }
  | {
      readonly type: 'alter-configs'
      readonly topic: string
      readonly changes: readonly {
        readonly name: string
        readonly from: string | null
        readonly to: string
      }[]
    }

/** A difference ensureTopics cannot fix by itself. */
export interface TopicDrift {
  readonly topic: string
  readonly setting: 'partitions' | 'replicationFactor'
  readonly declared: number
  readonly actual: number
  readonly reason: string
}

export interface TopicPlan {
  readonly actions: readonly TopicAction[]
  readonly drift: readonly TopicDrift[]
  /** Human-readable consequences worth knowing before applying (e.g. keyed records move partitions). */
  readonly warnings: readonly string[]
}

export interface EnsureTopicsResult extends TopicPlan {
  readonly dryRun: boolean
  /** True when the actions were applied (false for a dry run). */
  readonly applied: boolean
}

export interface EnsureTopicsOptions {
  /** Return the plan without changing anything. */
  readonly dryRun?: boolean | undefined
  /** Throw KAFKIT_CLIENT_ADMIN_DRIFT when drift remains (default false: report it in the result). */
  readonly failOnDrift?: boolean | undefined
  /**
   * Keep the broker connection open afterwards (until `disconnect()`). By default ensureTopics
   * closes the connection it opened, so it never keeps the process alive.
   */
  readonly keepConnected?: boolean | undefined
}

export interface TopicAdminOptions {
  readonly brokers?: readonly string[] | undefined
  /** An engine, or a kafkajs `Kafka` instance (wrapped in the kafkajs engine). */
  readonly kafka?: EngineOption | undefined
  /** The engine to build on `brokers`: 'kafkajs' or 'platformatic' (default: `KAFKIT_ENGINE`, else kafkajs). */
  readonly engine?: EngineName | undefined
  readonly clientId?: string | undefined
  readonly topics: readonly TopicDeclaration[]
  readonly logger?: Logger | undefined
}
