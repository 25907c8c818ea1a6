import type { TopicDescriptor } from '@kafkit/common'
import type { EngineBatch, EngineConsumer, KafkaEngine } from '../engine/types'
import { ClientError, isAuthFailure } from '../errors'
import { markClosed, markOpen } from '../handles'
import { type Logger, silentLogger } from '../logger'
import { engineOf } from '../options-util'
import { createDecodeStep, type DecodeOutcome } from './decode-step'
import { createInvalidRecordStep } from './invalid-policy'
import { type ConsumerOptions, type ResolvedConsumerOptions, resolveConsumerOptions } from './options'
import type { ConsumerBatch, ConsumerMessage, HandlerContext, InvalidRecord, RunOptions } from './types'

type State = 'idle' | 'running' | 'stopping' | 'stopped'

/**
 * A typed consumer. Each raw record goes through a small pipeline: decode (bytes to a typed
 * message or an InvalidRecord), the invalid-record policy, then the handler; an offset is
 * committed only after its record was handled (at-least-once).
 */
export class Consumer<Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[]> {
  readonly options: Readonly<ResolvedConsumerOptions>
  readonly #engine: KafkaEngine
  readonly #logger: Logger
  readonly #decode: (
    r: Parameters<ReturnType<typeof createDecodeStep>>[0],
  ) => Promise<DecodeOutcome<Topics[number]>>
  readonly #onInvalid: (r: InvalidRecord) => Promise<void>
  #consumer: EngineConsumer | undefined
  #state: State = 'idle'
  #failure: Error | undefined
  readonly #stopped: Promise<void>
  #settle!: { resolve: () => void; reject: (e: Error) => void }

  constructor(options: ConsumerOptions<Topics>) {
    this.options = resolveConsumerOptions(options)
    const o = this.options
    this.#logger = o.logger ?? silentLogger
    this.#engine = engineOf(o)
    this.#decode = createDecodeStep(o.topics as unknown as readonly Topics[number][], {
      registry: o.registry,
      validate: o.validate,
    })
    this.#onInvalid = createInvalidRecordStep({
      policy: o.onInvalid,
      logger: this.#logger,
      sink: o.deadLetterSink,
    })
    this.#stopped = new Promise<void>((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    // A rejection nobody waits for must not crash the process; whenStopped() still sees it.
    this.#stopped.catch(() => {})
  }

  /** Connects, subscribes and starts handling records; resolves once the consumer runs. */
  async run(handlers: RunOptions<Topics[number]>): Promise<void> {
    if (this.#state !== 'idle') {
      throw new ClientError('KAFKIT_INVALID_OPTIONS', 'run() can be called once per consumer')
    }
    if (typeof handlers.eachMessage !== 'function' && typeof handlers.eachBatch !== 'function') {
      throw new ClientError('KAFKIT_INVALID_OPTIONS', 'run() needs an eachMessage or an eachBatch handler')
    }
    this.#state = 'running'
    const o = this.options
    const consumer = this.#engine.consumer({
      groupId: o.groupId,
      sessionTimeoutMs: o.sessionTimeoutMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      maxBytesPerPartition: o.maxBytesPerPartition,
      // Our own failures already stopped things on purpose; engine-level retriable errors may restart.
      restartOnFailure: () => this.#failure === undefined,
      onCrash: (error) => void this.#fail(error),
    })
    this.#consumer = consumer
    markOpen(this, `Consumer (group '${o.groupId}')`)
    try {
      await consumer.connect()
      await consumer.subscribe({ topics: o.topics.map((t) => t.name), fromBeginning: o.fromBeginning })
      await consumer.run({
        partitionsConsumedConcurrently: o.partitionsConsumedConcurrently,
        eachBatch: (batch) => this.#handleBatch(batch, handlers),
      })
    } catch (error) {
      this.#state = 'stopped'
      await consumer.disconnect().catch(() => {})
      markClosed(this)
      const e = isAuthFailure(error)
        ? error
        : new ClientError(
            'KAFKIT_CLIENT_CONSUMER_FAILED',
            `consumer group '${o.groupId}' could not start: ${(error as Error).message}`,
            { cause: error, canRetry: true },
          )
      this.#settle.reject(e)
      throw e
    }
  }

  /** Resolves when the consumer was stopped with stop(); rejects with the error that stopped it otherwise. */
  whenStopped(): Promise<void> {
    return this.#stopped
  }

  /** Stops fetching and leaves the group; offsets of handled records are committed first. */
  async stop(): Promise<void> {
    if (this.#state === 'idle') {
      this.#state = 'stopped'
      this.#settle.resolve()
      return
    }
    if (this.#state !== 'running') return this.#stopped.catch(() => {})
    this.#state = 'stopping'
    await this.#consumer?.disconnect().catch(() => {})
    markClosed(this)
    this.#state = 'stopped'
    if (this.#failure) this.#settle.reject(this.#failure)
    else this.#settle.resolve()
  }

  pause(topic: Topics[number]['name'], partitions?: readonly number[]): void {
    this.#consumer?.pause([{ topic, partitions }])
  }

  resume(topic: Topics[number]['name'], partitions?: readonly number[]): void {
    this.#consumer?.resume([{ topic, partitions }])
  }

  /** Commits `offset` as the next record to read (Kafka semantics: last handled offset + 1). */
  async commitOffsets(
    offsets: readonly { topic: Topics[number]['name']; partition: number; offset: string }[],
  ): Promise<void> {
    await this.#consumer?.commitOffsets(offsets)
  }

  async #fail(error: Error): Promise<void> {
    if (this.#failure) return
    this.#failure =
      error instanceof ClientError
        ? error
        : new ClientError('KAFKIT_CLIENT_CONSUMER_FAILED', `consumer stopped: ${error.message}`, {
            cause: error,
          })
    this.#logger.error({ groupId: this.options.groupId }, this.#failure.message)
    if (this.#state === 'running') {
      // Not awaited: this may run inside a batch handler, and stopping waits for handlers to return.
      void this.stop()
    } else if (this.#state === 'stopped') {
      this.#settle.reject(this.#failure)
    }
  }

  async #handleBatch(batch: EngineBatch, handlers: RunOptions<Topics[number]>): Promise<void> {
    const context: HandlerContext = {
      heartbeat: () => batch.heartbeat(),
      isActive: () => batch.isActive() && this.#failure === undefined && this.#state === 'running',
    }
    const stopHere = (error: unknown) => {
      // Stop reading this partition at once, so nothing after the failed record is handled.
      this.#consumer?.pause([{ topic: batch.topic, partitions: [batch.partition] }])
      void this.#fail(
        error instanceof ClientError
          ? error
          : new ClientError(
              'KAFKIT_CLIENT_CONSUMER_FAILED',
              `handler failed on ${batch.topic}[${batch.partition}]: ${(error as Error).message}`,
              { cause: error, details: { topic: batch.topic, partition: batch.partition } },
            ),
      )
    }
    if (handlers.eachBatch) return this.#batchMode(batch, handlers.eachBatch, context, stopHere)
    for (const record of batch.records) {
      if (!context.isActive()) return
      const outcome = await this.#decode(record)
      if (outcome.ok) {
        try {
          await handlers.eachMessage(outcome.message, context)
        } catch (error) {
          return stopHere(error)
        }
      } else {
        try {
          await this.#onInvalid(outcome.invalid)
        } catch (error) {
          return stopHere(error)
        }
      }
      batch.resolveOffset(record.offset)
      await batch.commitOffsetsIfNecessary()
    }
  }

  async #batchMode(
    batch: EngineBatch,
    eachBatch: NonNullable<RunOptions<Topics[number]>['eachBatch']>,
    context: HandlerContext,
    stopHere: (e: unknown) => void,
  ): Promise<void> {
    const messages: ConsumerMessage<Topics[number]>[] = []
    let failure: unknown
    // Offset of the last record the batch may commit: everything before a 'fail' record.
    let lastOk: string | undefined
    for (const record of batch.records) {
      if (!context.isActive()) return
      const outcome = await this.#decode(record)
      if (outcome.ok) {
        messages.push(outcome.message)
      } else {
        try {
          await this.#onInvalid(outcome.invalid)
        } catch (error) {
          failure = error
          break
        }
      }
      lastOk = record.offset
    }
    if (messages.length > 0) {
      try {
        await eachBatch(
          { topic: batch.topic, partition: batch.partition, messages } as unknown as ConsumerBatch<
            Topics[number]
          >,
          context,
        )
      } catch (error) {
        return stopHere(error)
      }
    }
    if (lastOk !== undefined) {
      batch.resolveOffset(lastOk)
      await batch.commitOffsetsIfNecessary()
    }
    if (failure !== undefined) stopHere(failure)
  }
}
