import type { TopicDescriptor } from '@kafkit/common'
import { createDecodeStep, type DecodeOutcome } from '../consumer/decode-step'
import type { ConsumerMessage } from '../consumer/types'
import type { EngineBatch, EngineConsumer, EngineRecord, KafkaEngine } from '../engine/types'
import { ClientError } from '../errors'
import { markClosed, markOpen, openHandles, warnIfStillOpen } from '../handles'
import { type Logger, silentLogger } from '../logger'
import { engineOf } from '../options-util'
import { reliableEngineProducer } from '../producer/delivery'
import { sleep } from './backoff'
import { ABANDONED, BatchRun } from './batch-run'
import { createClassifier, type ErrorClassification } from './classify'
import {
  attemptsOf,
  ErrorTopicPublisher,
  ensureErrorTopics,
  originOf,
  RETRY_HEADERS,
  retryTopicName,
} from './dead-letter'
import { FailureRouter } from './failure-router'
import { KeyOrderedScheduler } from './key-scheduler'
import {
  type GroupConsumerOptions,
  type ResolvedGroupConsumerOptions,
  resolveGroupConsumerOptions,
} from './options'
import { retryInPlace } from './retry-loop'
import type {
  AbandonedRecord,
  CommittedOffset,
  DrainReport,
  GroupHealth,
  GroupMetrics,
  GroupRunOptions,
  PartitionLag,
} from './types'

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped'
const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`

/**
 * A consumer-group runner with the error handling kafkajs lacks: key-ordered concurrency inside a
 * partition, commits of only the contiguous completed offset, in-place retries with back-off,
 * retry topics and a dead-letter topic, poison pills through the same pipeline, graceful drain,
 * lag and health. Built on the engine seam and the typed decode step of the plain consumer.
 */
export class GroupConsumer<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]> {
  readonly options: Readonly<ResolvedGroupConsumerOptions>
  readonly #engine: KafkaEngine
  readonly #logger: Logger
  readonly #decode: (r: EngineRecord) => Promise<DecodeOutcome<Topics[number]>>
  readonly #classify: (error: unknown) => ErrorClassification
  readonly #delays: readonly number[]
  readonly #failures: FailureRouter
  /** Retry topic name -> its source topic and level (1-based). */
  readonly #retrySources = new Map<string, { source: string; level: number }>()
  #publisher: ErrorTopicPublisher | undefined
  #consumer: EngineConsumer | undefined
  #state: State = 'idle'
  #failure: Error | undefined
  #drain: Promise<DrainReport> | undefined
  readonly #active = new Set<BatchRun>()
  readonly #committed = new Map<string, CommittedOffset>()
  readonly #endOffsets = new Map<string, { topic: string; partition: number; offset: string }>()
  /** First SIGTERM/SIGINT drains; a second one while draining exits at once (128 + signal number). */
  readonly #signalHandler = (signal: NodeJS.Signals) => {
    const force = (again: NodeJS.Signals) => {
      this.#logger.warn(
        {
          groupId: this.options.groupId,
        },
        `${again} again during the drain: exiting now without waiting`,
      )
      process.exit(128 + (again === 'SIGINT' ? 2 : 15))
    }
    process.once('SIGTERM', force)
    process.once('SIGINT', force)
    this.#forceExit = force
    this.#logger.info({}, `${signal}: draining group consumer '${this.options.groupId}'`)
    void this.stop()
  }
  #forceExit: ((signal: NodeJS.Signals) => void) | undefined
  #lastBatchAt: number | undefined
  #waitingOnBackPressure = 0
  readonly #stopped: Promise<DrainReport>
  #settle!: { resolve: (r: DrainReport) => void; reject: (e: Error) => void }
  readonly #counters = { processed: 0, retries: 0, retryTopicSends: 0, deadLettered: 0, poisonPills: 0 }

  constructor(options: GroupConsumerOptions<Topics>) {
    this.options = resolveGroupConsumerOptions(options)
    const o = this.options
    this.#logger = o.logger ?? silentLogger
    this.#engine = engineOf(o)
    this.#decode = createDecodeStep(o.topics as unknown as readonly Topics[number][], {
      registry: o.registry,
      validate: o.validate,
    })
    this.#classify = typeof o.classify === 'function' ? o.classify : createClassifier(o.classify ?? {})
    this.#delays = o.retryTopics?.delaysMs ?? []
    for (const t of o.topics) {
      for (let n = 1; n <= this.#delays.length; n++) {
        this.#retrySources.set(retryTopicName(t.name, n), { source: t.name, level: n })
      }
    }
    this.#failures = new FailureRouter({
      groupId: o.groupId,
      deadLetter: o.deadLetter,
      delays: this.#delays,
      classify: this.#classify,
      publisher: () => this.#publisher,
      logger: this.#logger,
      counters: this.#counters,
    })
    this.#stopped = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    this.#stopped.catch(() => {})
  }

  /** Creates retry/dead-letter topics when needed, joins the group and starts; resolves once running. */
  async run(handlers: GroupRunOptions<Topics[number]>): Promise<void> {
    if (this.#state !== 'idle') {
      throw new ClientError('KAFKIT_INVALID_OPTIONS', 'run() can be called once per group consumer')
    }
    if (typeof handlers?.eachMessage !== 'function' && typeof handlers?.eachBatch !== 'function') {
      throw new ClientError('KAFKIT_INVALID_OPTIONS', 'run() needs an eachMessage or an eachBatch handler')
    }
    this.#state = 'starting'
    const o = this.options
    const sources = o.topics.map((t) => t.name)
    try {
      if (this.#delays.length > 0 || o.deadLetter) {
        const admin = this.#engine.admin()
        await admin.connect()
        try {
          await ensureErrorTopics(admin, sources, this.#delays.length, o.deadLetter)
        } finally {
          await admin.disconnect().catch(() => {})
        }
        this.#publisher = new ErrorTopicPublisher(reliableEngineProducer(this.#engine, o.logger))
      }
      const consumer = this.#engine.consumer({
        groupId: o.groupId,
        sessionTimeoutMs: o.sessionTimeoutMs,
        heartbeatIntervalMs: o.heartbeatIntervalMs,
        maxBytesPerPartition: o.maxBytesPerPartition,
        restartOnFailure: () => this.#failure === undefined && this.#state === 'running',
        onCrash: (error) => this.#fail(error),
        onCommit: (offsets) => {
          for (const c of offsets) this.#committed.set(tp(c.topic, c.partition), c)
          o.onCommit?.(offsets)
        },
        ...(o.batch.maxWaitMs !== undefined ? { maxWaitTimeMs: o.batch.maxWaitMs } : {}),
      })
      this.#consumer = consumer
      markOpen(this, `GroupConsumer (group '${o.groupId}')`)
      await consumer.connect()
      await consumer.subscribe({
        topics: [...sources, ...this.#retrySources.keys()],
        fromBeginning: o.fromBeginning,
      })
      this.#state = 'running'
      await consumer.run({
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently,
        eachBatch: (batch) =>
          handlers.eachBatch
            ? this.#batchMode(batch, handlers.eachBatch)
            : this.#messageMode(batch, handlers.eachMessage),
      })
    } catch (error) {
      this.#state = 'stopped'
      await this.#consumer?.disconnect().catch(() => {})
      await this.#publisher?.close()
      markClosed(this)
      const e =
        error instanceof ClientError
          ? error
          : new ClientError(
              'KAFKIT_CLIENT_CONSUMER_FAILED',
              `group consumer '${o.groupId}' could not start: ${(error as Error).message}`,
              { cause: error, canRetry: true },
            )
      this.#settle.reject(e)
      throw e
    }
    if (o.handleSignals) {
      process.once('SIGTERM', this.#signalHandler)
      process.once('SIGINT', this.#signalHandler)
    }
  }

  /**
   * Graceful drain: stops fetching and starting records, lets in-flight handlers finish until
   * `timeoutMs` (default `drainTimeoutMs`), commits what completed, leaves the group, and reports
   * what it abandoned. Calling it again returns the same report.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<DrainReport> {
    this.#drain ??= this.#doDrain(options.timeoutMs ?? this.options.drainTimeoutMs)
    return this.#drain
  }

  /** Resolves with the drain report once stopped; rejects with the error that stopped the consumer. */
  whenStopped(): Promise<DrainReport> {
    return this.#stopped
  }

  /** Lag per partition this member fetched: end offset (last fetch) minus committed offset. */
  lag(): PartitionLag[] {
    const out: PartitionLag[] = []
    for (const [key, end] of this.#endOffsets) {
      const committed = this.#committed.get(key)?.offset
      const lag =
        committed === undefined ? Number(end.offset) : Math.max(0, Number(end.offset) - Number(committed))
      out.push({
        topic: end.topic,
        partition: end.partition,
        endOffset: end.offset,
        committedOffset: committed,
        lag,
      })
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  }

  metrics(): GroupMetrics {
    let inFlight = 0
    for (const r of this.#active) inFlight += r.tracker.inFlightCount
    return {
      ...this.#counters,
      inFlight,
      waitingOnBackPressure: this.#waitingOnBackPressure,
      lag: this.lag(),
    }
  }

  /** For readiness/liveness probes: 'up' while running without a failure. */
  health(): GroupHealth {
    const status =
      this.#failure !== undefined || this.#state === 'stopped'
        ? 'down'
        : this.#state === 'running'
          ? 'up'
          : this.#state === 'stopping'
            ? 'stopping'
            : 'starting'
    let inFlight = 0
    for (const r of this.#active) inFlight += r.tracker.inFlightCount
    return {
      status,
      healthy: status === 'up',
      groupId: this.options.groupId,
      error: this.#failure?.message,
      sinceLastBatchMs: this.#lastBatchAt === undefined ? undefined : Date.now() - this.#lastBatchAt,
      inFlight,
    }
  }

  async #doDrain(timeoutMs: number): Promise<DrainReport> {
    process.removeListener('SIGTERM', this.#signalHandler)
    process.removeListener('SIGINT', this.#signalHandler)
    if (this.#state === 'idle') {
      this.#state = 'stopped'
      const report: DrainReport = {
        clean: true,
        abandoned: [],
        notStarted: 0,
        committed: [],
        openHandles: openHandles(),
      }
      this.#settle.resolve(report)
      return report
    }
    this.#state = 'stopping'
    let notStarted = 0
    const abandoned: AbandonedRecord[] = []
    const runs = [...this.#active]
    for (const run of runs) {
      const dropped = run.scheduler?.close() ?? []
      notStarted += dropped.length
    }
    const collectAbandoned = (run: BatchRun, reason: AbandonedRecord['reason']) => {
      for (const offset of run.started) {
        abandoned.push({ topic: run.batch.topic, partition: run.batch.partition, offset, reason })
      }
    }
    const deadline = setTimeout(() => {
      for (const run of runs) {
        if (run.started.size > 0) collectAbandoned(run, 'drain-deadline')
        run.abandon('drain-deadline')
      }
    }, timeoutMs)
    await Promise.all(runs.map((r) => r.handlerReturned))
    clearTimeout(deadline)
    // The engine commits resolved offsets after each batch returns, then leaves the group.
    await this.#consumer
      ?.disconnect()
      .catch((e) => this.#logger.warn({}, `disconnect failed: ${(e as Error).message}`))
    await this.#publisher?.close()
    markClosed(this)
    this.#state = 'stopped'
    const report: DrainReport = {
      clean: abandoned.length === 0,
      abandoned,
      notStarted,
      committed: [...this.#committed.values()],
      openHandles: openHandles(),
    }
    // The drain is over: a later signal gets Node's default handling again (exit).
    if (this.#forceExit) {
      process.removeListener('SIGTERM', this.#forceExit)
      process.removeListener('SIGINT', this.#forceExit)
      // Drained for a signal: the process should now end by itself; say what still holds it.
      warnIfStillOpen(this.#logger, `group consumer '${this.options.groupId}' drained on a signal`)
    }
    if (abandoned.length > 0 || notStarted > 0) {
      this.#logger.warn(
        {
          groupId: this.options.groupId,
        },
        `drain abandoned ${abandoned.length} running and ${notStarted} queued records`,
      )
    }
    if (this.#failure) this.#settle.reject(this.#failure)
    else this.#settle.resolve(report)
    return report
  }

  #fail(error: unknown): void {
    if (this.#failure) return
    this.#failure =
      error instanceof ClientError
        ? error
        : new ClientError(
            'KAFKIT_CLIENT_CONSUMER_FAILED',
            `group consumer stopped: ${(error as Error).message}`,
            {
              cause: error,
            },
          )
    this.#logger.error({ groupId: this.options.groupId }, this.#failure.message)
    for (const run of this.#active) run.scheduler?.close()
    // Not awaited: this may run inside a batch handler, and the drain waits for handlers to return.
    void this.stop()
  }

  #startBatch(batch: EngineBatch): BatchRun | undefined {
    if (this.#state !== 'running' || this.#failure) return undefined
    this.#lastBatchAt = Date.now()
    if (batch.highWatermark !== undefined) {
      this.#endOffsets.set(tp(batch.topic, batch.partition), {
        topic: batch.topic,
        partition: batch.partition,
        offset: batch.highWatermark,
      })
    }
    return new BatchRun(batch)
  }

  /**
   * During long batches: heartbeats, notices revocation (kafkajs revokes everything on a
   * rebalance), and commits the contiguous completed offset every `commitIntervalMs`, so a crash
   * repeats at most that much work rather than the whole batch.
   */
  #watch(run: BatchRun): () => void {
    const o = this.options
    let lastHeartbeat = Date.now()
    let lastCommitted: string | undefined
    const timer = setInterval(
      () => {
        if (run.abandonedFor || run.revoking) return
        if (!run.batch.isActive() && this.#state === 'running') return this.#revoke(run)
        const next = run.tracker.committable()
        if (next !== undefined && next !== lastCommitted && this.#consumer) {
          lastCommitted = next
          const { topic, partition } = run.batch
          this.#consumer.commitOffsets([{ topic, partition, offset: next }]).catch((e) => {
            this.#logger.warn({}, `commit of ${topic}[${partition}]@${next} failed: ${(e as Error).message}`)
          })
        }
        if (Date.now() - lastHeartbeat >= o.heartbeatIntervalMs) {
          lastHeartbeat = Date.now()
          run.batch.heartbeat().catch(() => this.#revoke(run))
        }
      },
      Math.min(o.heartbeatIntervalMs, o.commitIntervalMs),
    )
    return () => clearInterval(timer)
  }

  /**
   * The partition is being taken away (a rebalance): start nothing new, let started records finish
   * for up to `revocationGraceMs`, commit what is complete while this member still owns the
   * partition, then drop the rest. Without the grace, records a surviving member had finished past
   * an unfinished one would be handled again by the next owner.
   */
  #revoke(run: BatchRun): void {
    if (run.abandonedFor || run.revoking) return
    run.revoking = true
    run.scheduler?.close()
    void (async () => {
      const deadline = Date.now() + this.options.revocationGraceMs
      while (run.started.size > 0 && Date.now() < deadline && !run.abandonedFor) {
        await new Promise((r) => setTimeout(r, 5))
      }
      const next = run.resolved
      if (next !== undefined && this.#consumer && !run.abandonedFor) {
        const { topic, partition } = run.batch
        await this.#consumer.commitOffsets([{ topic, partition, offset: next }]).catch((e) => {
          this.#logger.warn(
            {},
            `commit of ${topic}[${partition}]@${next} on revocation failed: ${(e as Error).message}`,
          )
        })
      }
      run.abandon('revoked')
    })()
  }

  #resolve(run: BatchRun, lastHandled: string): void {
    run.batch.resolveOffset(lastHandled)
    run.resolved = (BigInt(lastHandled) + 1n).toString()
  }

  async #messageMode(
    batch: EngineBatch,
    handler: NonNullable<GroupRunOptions<Topics[number]>['eachMessage']>,
  ): Promise<void> {
    const run = this.#startBatch(batch)
    if (!run || batch.records.length === 0) return
    const o = this.options
    const scheduler = new KeyOrderedScheduler<EngineRecord>({
      concurrency: o.concurrency,
      // Records of one key run one after another; keyless records are independent.
      keyOf: (r) => (r.key === null ? null : r.key.toString('latin1')),
      work: async (record) => {
        run.started.add(record.offset)
        try {
          await this.#process(record, run, handler)
        } catch (error) {
          if (error !== ABANDONED) {
            this.#fail(error)
            run.abandon('failed')
          }
          return
        } finally {
          run.started.delete(record.offset)
        }
        if (run.abandonedFor) return
        const next = run.tracker.complete(record.offset)
        if (next !== undefined) this.#resolve(run, (BigInt(next) - 1n).toString())
      },
    })
    run.scheduler = scheduler
    this.#active.add(run)
    const unwatch = this.#watch(run)
    try {
      for (const record of batch.records) {
        if (run.abandonedFor || run.revoking || this.#state !== 'running') break
        if (scheduler.size >= o.maxInFlight) {
          // Back-pressure: this partition is not fetched again until its batch returns.
          this.#waitingOnBackPressure++
          await Promise.race([scheduler.belowLimit(o.maxInFlight), run.abandoned])
          this.#waitingOnBackPressure--
          if (run.abandonedFor || run.revoking || this.#state !== 'running') break
        }
        run.tracker.track(record.offset)
        scheduler.submit(record)
      }
      await Promise.race([scheduler.idle(), run.abandoned])
      // A revocation ends after its commit: kafkajs must not rejoin before it.
      if (run.revoking) await run.abandoned
      if (run.abandonedFor === 'revoked') {
        this.#logger.warn(
          {
            inFlight: run.tracker.inFlight().length,
          },
          `partition ${batch.topic}[${batch.partition}] revoked: in-flight work dropped`,
        )
      }
    } finally {
      scheduler.close()
      unwatch()
      this.#active.delete(run)
      run.markHandlerReturned()
    }
  }

  async #batchMode(
    batch: EngineBatch,
    handler: NonNullable<GroupRunOptions<Topics[number]>['eachBatch']>,
  ): Promise<void> {
    const run = this.#startBatch(batch)
    if (!run || batch.records.length === 0) return
    this.#active.add(run)
    const unwatch = this.#watch(run)
    const max = this.options.batch.maxRecords
    try {
      for (let i = 0; i < batch.records.length; i += max) {
        if (run.abandonedFor || run.revoking || this.#state !== 'running') break
        const chunk = batch.records.slice(i, i + max)
        for (const r of chunk) run.started.add(r.offset)
        try {
          // A handler that ignores the abort signal must not hold the drain past its deadline.
          await Promise.race([
            this.#processChunk(chunk, run, handler),
            run.abandoned.then(() => Promise.reject(ABANDONED)),
          ])
        } catch (error) {
          if (error !== ABANDONED) {
            this.#fail(error)
            run.abandon('failed')
          }
          break
        } finally {
          run.started.clear()
        }
        if (run.abandonedFor) break
        this.#resolve(run, (chunk[chunk.length - 1] as EngineRecord).offset)
      }
      // A revocation ends after its commit: kafkajs must not rejoin before it.
      if (run.revoking) await run.abandoned
    } finally {
      unwatch()
      this.#active.delete(run)
      run.markHandlerReturned()
    }
  }

  /** Decoding of a record, as from its source topic when it was read from a retry topic. */
  async #decodeAs(record: EngineRecord): Promise<{
    source: string
    level: number
    outcome: DecodeOutcome<Topics[number]>
  }> {
    const retry = this.#retrySources.get(record.topic)
    if (!retry) return { source: record.topic, level: 0, outcome: await this.#decode(record) }
    const origin = originOf(record)
    const asSource: EngineRecord = { ...record, ...origin, topic: retry.source }
    return { source: retry.source, level: retry.level, outcome: await this.#decode(asSource) }
  }

  /** Waits until a retry-topic record is due; throws ABANDONED when the work is given up meanwhile. */
  async #waitUntilDue(record: EngineRecord, run: BatchRun): Promise<void> {
    const due = Number(record.headers[RETRY_HEADERS.dueAt]?.toString('utf8') ?? 0)
    const wait = due - Date.now()
    if (wait > 0 && !(await sleep(wait, run.abort.signal))) throw ABANDONED
  }

  /** Resolves when the record may be committed; throws ABANDONED or the error that must stop the consumer. */
  async #process(
    record: EngineRecord,
    run: BatchRun,
    handler: NonNullable<GroupRunOptions<Topics[number]>['eachMessage']>,
  ): Promise<void> {
    const { source, level, outcome } = await this.#decodeAs(record)
    const prior = attemptsOf(record)
    if (!outcome.ok) {
      // A poison pill can never succeed: straight to the dead-letter topic, the partition goes on.
      this.#counters.poisonPills++
      return this.#failures.deadLetter(
        record,
        source,
        outcome.invalid.error,
        prior + 1,
        outcome.invalid.stage,
      )
    }
    if (level > 0) await this.#waitUntilDue(record, run)
    const result = await retryInPlace(
      async (i) => {
        await handler(outcome.message, {
          signal: run.abort.signal,
          delivery: {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            attempt: prior + i,
          },
          heartbeat: () => run.batch.heartbeat(),
        })
      },
      this.#retryLoop(run, level > 0 ? 1 : this.options.retry.attempts),
    )
    if (result.ok) {
      this.#counters.processed++
      return
    }
    await this.#failures.afterFailure(record, source, level, result.error, prior + result.tries)
  }

  async #processChunk(
    chunk: readonly EngineRecord[],
    run: BatchRun,
    handler: NonNullable<GroupRunOptions<Topics[number]>['eachBatch']>,
  ): Promise<void> {
    const good: {
      record: EngineRecord
      message: ConsumerMessage<Topics[number]>
      level: number
      source: string
    }[] = []
    for (const record of chunk) {
      const { source, level, outcome } = await this.#decodeAs(record)
      if (outcome.ok) good.push({ record, message: outcome.message, level, source })
      else {
        this.#counters.poisonPills++
        await this.#failures.deadLetter(
          record,
          source,
          outcome.invalid.error,
          attemptsOf(record) + 1,
          outcome.invalid.stage,
        )
      }
    }
    if (good.length === 0) return
    const fromRetry = good.some((g) => g.level > 0)
    if (fromRetry) for (const g of good) await this.#waitUntilDue(g.record, run)
    const messages = good.map((g) => g.message)
    const result = await retryInPlace(
      async (i) => {
        await handler(messages, {
          signal: run.abort.signal,
          attempt: i,
          heartbeat: () => run.batch.heartbeat(),
        })
      },
      this.#retryLoop(run, fromRetry ? 1 : this.options.retry.attempts),
    )
    if (result.ok) {
      this.#counters.processed += good.length
      return
    }
    // The whole chunk failed: each record takes the error path (retry topic or dead letter).
    for (const g of good) {
      await this.#failures.afterFailure(
        g.record,
        g.source,
        g.level,
        result.error,
        attemptsOf(g.record) + result.tries,
      )
    }
  }

  #retryLoop(run: BatchRun, attempts: number) {
    return {
      attempts,
      backoff: this.options.retry.backoff,
      classify: this.#classify,
      signal: run.abort.signal,
      isAbandoned: () => run.abandonedFor !== undefined,
      onRetry: () => {
        this.#counters.retries++
      },
    }
  }
}
