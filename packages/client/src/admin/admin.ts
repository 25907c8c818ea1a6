import { createKafkajsEngine } from '../engine/kafkajs'
import type {
  EngineAdmin,
  EngineTopicConfigEntry,
  EngineTopicDescription,
  KafkaEngine,
} from '../engine/types'
import { ClientError } from '../errors'
import { type Logger, silentLogger } from '../logger'
import { type ResolvedTopicAdminOptions, resolveTopicAdminOptions } from './options'
import { planTopics, topicName } from './plan'
import type { EnsureTopicsOptions, EnsureTopicsResult, TopicAdminOptions, TopicDeclaration } from './types'

/** Topics declared in code, reconciled with the cluster by ensureTopics(). */
export class TopicAdmin {
  readonly options: Readonly<ResolvedTopicAdminOptions>
  readonly #engine: KafkaEngine
  readonly #logger: Logger
  #admin: EngineAdmin | undefined
  #connecting: Promise<EngineAdmin> | undefined

  constructor(options: TopicAdminOptions) {
    this.options = resolveTopicAdminOptions(options)
    const o = this.options
    this.#logger = o.logger ?? silentLogger
    this.#engine =
      o.kafka ?? createKafkajsEngine({ brokers: o.brokers, clientId: o.clientId, logger: o.logger })
  }

  get declarations(): readonly TopicDeclaration[] {
    return this.options.topics as readonly TopicDeclaration[]
  }

  /**
   * Creates missing topics, raises partition counts (never lowers), updates changed configs, and
   * reports drift it cannot fix. With `dryRun` it only returns the plan.
   */
  async ensureTopics(options: EnsureTopicsOptions = {}): Promise<EnsureTopicsResult> {
    const admin = await this.#connect()
    const plan = planTopics(this.declarations, await this.#state(admin))
    for (const w of plan.warnings) this.#logger.warn(w)
    if (options.failOnDrift && plan.drift.length > 0) {
      throw new ClientError(
        'KAFKIT_CLIENT_ADMIN_DRIFT',
        `topics differ from their declaration: ${plan.drift.map((d) => `${d.topic} ${d.setting} declared ${d.declared}, actual ${d.actual} (${d.reason})`).join('; ')}`,
        { details: { drift: plan.drift } },
      )
    }
    if (options.dryRun) return { ...plan, dryRun: true, applied: false }
    const creates = plan.actions.flatMap((a) => (a.type === 'create' ? [a] : []))
    if (creates.length > 0) {
      try {
        // One request for all new topics: the broker creates them together.
        await admin.createTopics(
          creates.map((a) => ({
            name: a.topic,
            partitions: a.partitions,
            replicationFactor: a.replicationFactor ?? -1,
            configs: a.configs,
          })),
        )
        for (const a of creates)
          this.#logger.info(`ensureTopics: created ${a.topic} (${a.partitions} partitions)`)
      } catch (error) {
        throw new ClientError(
          'KAFKIT_CLIENT_ADMIN_FAILED',
          `ensureTopics could not create ${creates.map((a) => `'${a.topic}'`).join(', ')}: ${(error as Error).message}`,
          { cause: error, details: { actions: creates } },
        )
      }
    }
    for (const action of plan.actions) {
      if (action.type === 'create') continue
      try {
        if (action.type === 'add-partitions') {
          await admin.createPartitions([{ name: action.topic, count: action.to }])
        } else {
          await admin.alterTopicConfigs(
            action.topic,
            Object.fromEntries(action.changes.map((c) => [c.name, c.to])),
          )
        }
        this.#logger.info(`ensureTopics: ${action.type} ${action.topic}`)
      } catch (error) {
        throw new ClientError(
          'KAFKIT_CLIENT_ADMIN_FAILED',
          `ensureTopics could not ${action.type} '${action.topic}': ${(error as Error).message}`,
          { cause: error, details: { action } },
        )
      }
    }
    return { ...plan, dryRun: false, applied: true }
  }

  /** Deletes the declared topics (tests and local setups). */
  async deleteTopics(): Promise<void> {
    const admin = await this.#connect()
    const existing = new Set(await admin.listTopics())
    const names = this.declarations.map(topicName).filter((n) => existing.has(n))
    if (names.length > 0) await admin.deleteTopics(names)
  }

  async disconnect(): Promise<void> {
    const c = this.#connecting
    this.#connecting = undefined
    if (c) await (await c.catch(() => undefined))?.disconnect()
  }

  #connect(): Promise<EngineAdmin> {
    if (!this.#connecting) {
      const admin = this.#engine.admin()
      this.#admin = admin
      this.#connecting = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.#connecting = undefined
          throw new ClientError(
            'KAFKIT_CLIENT_ADMIN_FAILED',
            `could not connect to Kafka: ${(error as Error).message}`,
            {
              cause: error,
              canRetry: true,
            },
          )
        },
      )
    }
    return this.#connecting
  }

  async #state(admin: EngineAdmin) {
    const names = this.declarations.map(topicName)
    const existing = new Set(await admin.listTopics())
    const present = names.filter((n) => existing.has(n))
    const described: EngineTopicDescription[] = await admin.describeTopics(present)
    const configs: Map<string, EngineTopicConfigEntry[]> = await admin.describeTopicConfigs(present)
    return { topics: new Map(described.map((t) => [t.name, t])), configs }
  }
}
