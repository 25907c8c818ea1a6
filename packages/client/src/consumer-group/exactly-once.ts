import { randomBytes } from 'node:crypto'
import type { TopicDescriptor } from '@kafkit/common'
import { z } from 'zod'
import { createDecodeStep } from '../consumer/decode-step'
import type { ConsumerMessage } from '../consumer/types'
import type { EngineBatch, EngineConsumer, EngineTransaction, KafkaEngine } from '../engine/types'
import { ClientError } from '../errors'
import {
  connectionShape,
  engineOf,
  engineWithBrokers,
  functionOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
  registryOption,
  topicDescriptor,
} from '../options-util'
import { assertAcknowledged } from '../producer/delivery'
import type { ProducerOptions } from '../producer/options'
import { Producer } from '../producer/producer'
import type { ProducerRecord } from '../producer/types'
import { deadLetterHeaders, deadLetterTopicName, ensureErrorTopics } from './dead-letter'

export interface TransformOutput<Out extends readonly TopicDescriptor[]> {
  /** Sends inside the open transaction: visible to read_committed readers only if it commits. */
  send<T extends Out[number]>(topic: T, record: ProducerRecord<T>): Promise<void>
}

export const exactlyOnceOptionsSchema = z
  .object({
    ...connectionShape,
    /** Needed when a topic has an Avro key or value: a URL or a `SchemaRegistry`. */
    registry: registryOption(['getSchemaById']),
    groupId: z.string().min(1, 'groupId is required'),
    /** Stable per instance (a restarted instance must reuse it, so the broker fences its zombie). */
    transactionalId: z.string().min(1).optional(),
    from: z.array(topicDescriptor).min(1, 'give at least one input topic descriptor').readonly(),
    to: z.array(topicDescriptor).readonly(),
    fromBeginning: z.boolean().default(false),
    /** Most input records per transaction (default 500). */
    maxRecordsPerTransaction: z.number().int().min(1).default(500),
    /** Poison pills go to `<topic>-dlt` inside the transaction (default true); false fails instead. */
    deadLetter: z.boolean().default(true),
    /** Passed to the typed producer (validate, autoRegister, subjectNameStrategy, ...), which checks them. */
    producer: z.record(z.string(), z.unknown()).optional(),
    transform: functionOption('transform'),
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)

/** Options of `createExactlyOnceTransformer`: the schema's input, typed per topic descriptor on both sides. */
export interface ExactlyOnceOptions<
  In extends readonly TopicDescriptor[],
  Out extends readonly TopicDescriptor[],
> extends OptionsInput<typeof exactlyOnceOptionsSchema, 'from' | 'to' | 'producer' | 'transform'> {
  readonly from: In
  readonly to: Out
  readonly producer?: Omit<ProducerOptions<Out>, 'brokers' | 'kafka' | 'registry' | 'topics'> | undefined
  readonly transform: (
    message: ConsumerMessage<In[number]>,
    out: TransformOutput<Out>,
  ) => Promise<void> | void
}

type ResolvedExactlyOnceOptions<
  In extends readonly TopicDescriptor[],
  Out extends readonly TopicDescriptor[],
> = Omit<z.output<typeof exactlyOnceOptionsSchema>, 'from' | 'to' | 'producer' | 'transform'> &
  Pick<ExactlyOnceOptions<In, Out>, 'from' | 'to' | 'producer' | 'transform'>

/**
 * Exactly-once consume-transform-produce on Kafka transactions: for each chunk of a fetched batch,
 * the outputs and the group's input offsets commit atomically; a failure aborts both, so
 * read_committed readers see every input's outputs exactly once. Typed on both sides: inputs are
 * decoded like `createConsumer`, outputs encoded (and guarded) by the typed producer.
 */
export class ExactlyOnceTransformer<
  In extends readonly TopicDescriptor[],
  Out extends readonly TopicDescriptor[],
> {
  readonly #o: Readonly<ResolvedExactlyOnceOptions<In, Out>>
  readonly #engine: KafkaEngine
  #consumer: EngineConsumer | undefined
  #current: EngineTransaction | undefined
  #failure: Error | undefined
  #stopping: Promise<void> | undefined
  readonly #stopped: Promise<void>
  #settle!: { resolve: () => void; reject: (e: Error) => void }
  #committedTransactions = 0

  constructor(options: ExactlyOnceOptions<In, Out>) {
    const o = parseOptions(exactlyOnceOptionsSchema, options, 'exactly-once transformer')
    this.#o = o as unknown as ResolvedExactlyOnceOptions<In, Out>
    this.#engine = engineOf(o)
    this.#stopped = new Promise((resolve, reject) => {
      this.#settle = { resolve, reject }
    })
    this.#stopped.catch(() => {})
  }

  /** Transactions committed so far. */
  get committedTransactions(): number {
    return this.#committedTransactions
  }

  async run(): Promise<void> {
    const o = this.#o
    const engine = this.#engine
    if (!engine.transactionalProducer) {
      throw new ClientError('KAFKIT_INVALID_OPTIONS', `engine '${engine.name}' has no transactions`)
    }
    const tx = engine.transactionalProducer({
      transactionalId: o.transactionalId ?? `kafkit-eos-${o.groupId}-${randomBytes(4).toString('hex')}`,
      timeoutMs: 60_000,
    })
    const { deadLetter } = o
    // The typed producer encodes, guards and partitions; its sends go into the open transaction.
    const inTransaction: KafkaEngine = {
      name: `${engine.name}+transaction`,
      admin: () => engine.admin(),
      consumer: (c) => engine.consumer(c),
      producer: () => ({
        connect: async () => {},
        disconnect: async () => {},
        send: (batches) => {
          if (!this.#current) {
            throw new ClientError('KAFKIT_CLIENT_SEND_FAILED', 'out.send() called outside transform()')
          }
          return this.#current.send(batches)
        },
      }),
    }
    const producer = new Producer<Out>({
      ...(o.producer ?? {}),
      kafka: inTransaction,
      registry: o.registry,
      topics: o.to,
    } as ProducerOptions<Out>)
    const out: TransformOutput<Out> = {
      send: async (topic, record) => {
        await producer.send(topic as TopicDescriptor, record as ProducerRecord<TopicDescriptor>)
      },
    }
    const decode = createDecodeStep(o.from as unknown as readonly In[number][], {
      registry: producer.registry,
    })
    const max = o.maxRecordsPerTransaction
    if (deadLetter) {
      const admin = engine.admin()
      await admin.connect()
      try {
        await ensureErrorTopics(
          admin,
          o.from.map((t) => t.name),
          0,
          true,
        )
      } finally {
        await admin.disconnect().catch(() => {})
      }
    }
    await tx.connect()
    const consumer = engine.consumer({
      groupId: o.groupId,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxBytesPerPartition: 1_048_576,
      restartOnFailure: () => this.#failure === undefined,
      onCrash: (e) => this.#fail(e),
    })
    this.#consumer = consumer
    const handle = async (batch: EngineBatch) => {
      for (let i = 0; i < batch.records.length; i += max) {
        if (this.#failure || this.#stopping || !batch.isActive()) return
        const chunk = batch.records.slice(i, i + max)
        const txn = await tx.begin()
        this.#current = txn
        try {
          for (const record of chunk) {
            const outcome = await decode(record)
            if (outcome.ok) {
              await o.transform(outcome.message, out)
            } else if (deadLetter) {
              const headers = deadLetterHeaders(record, {
                error: outcome.invalid.error,
                attempts: 1,
                group: o.groupId,
                stage: outcome.invalid.stage,
              })
              const sent = [
                {
                  topic: deadLetterTopicName(record.topic),
                  messages: [{ key: record.key, value: record.value, partition: record.partition, headers }],
                },
              ]
              // Unacknowledged means the transaction must not commit: this throws and it aborts.
              assertAcknowledged(sent, await txn.send(sent))
            } else {
              throw outcome.invalid.error
            }
          }
          const last = (chunk[chunk.length - 1] as { offset: string }).offset
          await txn.sendOffsets(o.groupId, [
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
          ])
          await txn.commit()
          this.#committedTransactions++
          this.#current = undefined
          // Moves the fetch position; the group offset was already committed by the transaction.
          batch.resolveOffset(last)
        } catch (error) {
          this.#current = undefined
          await txn.abort().catch(() => {})
          this.#fail(
            new ClientError(
              'KAFKIT_CLIENT_CONSUMER_FAILED',
              `transaction on ${batch.topic}[${batch.partition}] aborted: ${(error as Error).message}`,
              { cause: error, details: { topic: batch.topic, partition: batch.partition } },
            ),
          )
          return
        }
      }
    }
    try {
      await consumer.connect()
      await consumer.subscribe({ topics: o.from.map((t) => t.name), fromBeginning: o.fromBeginning })
      await consumer.run({ partitionsConsumedConcurrently: 1, eachBatch: handle })
    } catch (error) {
      await consumer.disconnect().catch(() => {})
      await tx.disconnect().catch(() => {})
      throw error
    }
    this.#stopped.finally(() => tx.disconnect().catch(() => {})).catch(() => {})
  }

  /** Stops after the open transaction; rejects with the error when a transaction failed. */
  whenStopped(): Promise<void> {
    return this.#stopped
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#consumer?.disconnect().catch(() => {})
      if (this.#failure) this.#settle.reject(this.#failure)
      else this.#settle.resolve()
    })()
    return this.#stopping
  }

  #fail(error: Error): void {
    if (this.#failure) return
    this.#failure = error
    void this.stop()
  }
}

/** Creates an exactly-once consume-transform-produce loop; see docs/client.md. */
export function createExactlyOnceTransformer<
  const In extends readonly TopicDescriptor[],
  const Out extends readonly TopicDescriptor[],
>(options: ExactlyOnceOptions<In, Out>): ExactlyOnceTransformer<In, Out> {
  return new ExactlyOnceTransformer(options)
}
