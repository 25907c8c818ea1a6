import type {
  EngineAdmin,
  EngineTopicConfigEntry,
  EngineTopicDescription,
  KafkaEngine,
} from '../engine/types'
import { ClientError, isAuthFailure } from '../errors'
import { markClosed, markOpen } from '../handles'
import { type Logger, silentLogger } from '../logger'
import { engineOf } from '../options-util'
import {
  type ResolvedTopicAdminOptions,
  resolveTopicAdminOptions,
  type TopicAdminOptions,
  type TopicDeclaration,
} from './options'
import { planTopics, topicName } from './plan'
import type { EnsureTopicsOptions, EnsureTopicsResult } from './types'

/** Topics declared in code, reconciled with the cluster by ensureTopics(). */
/** How long ensureTopics waits for applied changes to show in the cluster's metadata. */
const VISIBLE_WITHIN_MS = 10_000

export class TopicAdmin {
  readonly options: Readonly<ResolvedTopicAdminOptions>
  readonly #engine: KafkaEngine
  readonly #logger: Logger
  /** Set by connect() or keepConnected: the connection stays open until disconnect(). */
  #pinned = false
  /** ensureTopics/deleteTopics calls using a connection they will close when the last one ends. */
  #borrowers = 0
  #connecting: Promise<EngineAdmin> | undefined

  constructor(options: TopicAdminOptions) {
    this.options = resolveTopicAdminOptions(options)
    const o = this.options
    this.#logger = o.logger ?? silentLogger
    this.#engine = engineOf(o)
  }

  get declarations(): readonly TopicDeclaration[] {
    return this.options.topics as readonly TopicDeclaration[]
  }

  /**
   * Creates missing topics, raises partition counts (never lowers), updates changed configs, and
   * reports drift it cannot fix. With `dryRun` it only returns the plan.
   */
  async ensureTopics(options: EnsureTopicsOptions = {}): Promise<EnsureTopicsResult> {
    // The connection is closed again afterwards, so a one-off ensureTopics() at start-up never keeps
    // the process alive; `keepConnected` (or an earlier connect()) keeps it for more calls.
    return this.#borrow(options.keepConnected, (admin) => this.#ensureTopics(admin, options))
  }

  async #ensureTopics(admin: EngineAdmin, options: EnsureTopicsOptions): Promise<EnsureTopicsResult> {
    const plan = planTopics(this.declarations, await this.#state(admin))
    for (const w of plan.warnings) this.#logger.warn({}, w)
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
          this.#logger.info({}, `ensureTopics: created ${a.topic} (${a.partitions} partitions)`)
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
        this.#logger.info({}, `ensureTopics: ${action.type} ${action.topic}`)
      } catch (error) {
        throw new ClientError(
          'KAFKIT_CLIENT_ADMIN_FAILED',
          `ensureTopics could not ${action.type} '${action.topic}': ${(error as Error).message}`,
          { cause: error, details: { action } },
        )
      }
    }
    const pending = await this.#untilVisible(admin)
    const warnings =
      pending === 0
        ? plan.warnings
        : [
            ...plan.warnings,
            `ensureTopics: the brokers accepted every change, but ${pending} were not yet visible in their ` +
              `metadata after ${VISIBLE_WITHIN_MS / 1000} s; they normally appear within seconds`,
          ]
    return { ...plan, warnings, dryRun: false, applied: true }
  }

  /**
   * Waits until the cluster shows what was applied. A broker acknowledges a change once the controller
   * has it; other brokers (which answer describe and metadata requests) apply it a little later, so a
   * caller that produces to a new partition or reads a config right after would see the old state.
   * Returns the number of changes still not visible at the deadline.
   */
  async #untilVisible(admin: EngineAdmin): Promise<number> {
    const deadline = Date.now() + VISIBLE_WITHIN_MS
    for (;;) {
      const left = planTopics(this.declarations, await this.#state(admin)).actions.length
      if (left === 0 || Date.now() >= deadline) return left
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Deletes the declared topics (tests and local setups); like ensureTopics, closes a connection it opened. */
  async deleteTopics(options: { keepConnected?: boolean } = {}): Promise<void> {
    await this.#borrow(options.keepConnected, async (admin) => {
      const existing = new Set(await admin.listTopics())
      const names = this.declarations.map(topicName).filter((n) => existing.has(n))
      if (names.length > 0) await admin.deleteTopics(names)
    })
  }

  /** Connects now and stays connected (until disconnect()) across ensureTopics/deleteTopics calls. */
  async connect(): Promise<void> {
    this.#pinned = true
    await this.#connect()
  }

  async #borrow<T>(keep: boolean | undefined, work: (admin: EngineAdmin) => Promise<T>): Promise<T> {
    if (keep) this.#pinned = true
    this.#borrowers++
    try {
      return await work(await this.#connect())
    } finally {
      this.#borrowers--
      if (this.#borrowers === 0 && !this.#pinned) await this.disconnect()
    }
  }

  /** Closes the broker connection, if one is open. Safe to call more than once. */
  async disconnect(): Promise<void> {
    const c = this.#connecting
    this.#connecting = undefined
    this.#pinned = false
    markClosed(this)
    if (c) await (await c.catch(() => undefined))?.disconnect()
  }

  #connect(): Promise<EngineAdmin> {
    if (!this.#connecting) {
      const admin = this.#engine.admin()
      markOpen(this, `TopicAdmin (clientId '${this.options.clientId}')`)
      this.#connecting = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.#connecting = undefined
          markClosed(this)
          if (isAuthFailure(error)) throw error
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
