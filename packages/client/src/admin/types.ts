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
