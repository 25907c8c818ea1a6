import type {
  EngineMessage,
  EngineProducer,
  EngineRecordMetadata,
  EngineSendError,
  EngineTopicMessages,
  KafkaEngine,
} from '../engine/types'
import { ClientError } from '../errors'
import { type Logger, silentLogger } from '../logger'

/**
 * Delivery as Kafkit promises it, on every engine: a send resolves only when the broker acknowledged
 * every partition it carried; otherwise it rejects with KAFKIT_CLIENT_NOT_DELIVERED naming the
 * partitions and record counts that were not. The engine's own resolve is not trusted: kafkajs 2.2.4
 * resolves a batch whose partitions moved to a broker that had already answered without ever
 * sending them again (kafkajs #1303).
 *
 * How the promise is kept:
 * - One request in flight per producer. Sends made while one is in flight are queued and merged into
 *   the next request, so per-partition order is the call order and the idempotent producer's sequence
 *   numbers are never used by two requests at once.
 * - Acknowledgements are checked per (topic, partition) against what was sent. A partition the engine
 *   resolved without an acknowledgement is sent again, alone and with the same records, by the same
 *   producer: its sequence number was rolled back with the failed request, so the broker writes it
 *   once, or answers a duplicate if the first attempt had landed after all.
 * - When the engine rejects, the outcome of the open partitions is unknown and its sequence numbers
 *   cannot be trusted: the request fails with the partitions it could not confirm, and the next send
 *   uses a new engine producer (a new producer id), so no later record can be mistaken for a
 *   duplicate of one that landed.
 */

/** Records of one partition that a send could not confirm. */
export interface UndeliveredPartition {
  readonly topic: string
  readonly partition: number
  readonly count: number
}

export interface VerifiedProducerOptions {
  /** Requested acks; with 0 the broker answers nothing, so there is nothing to verify. */
  readonly acks: -1 | 0 | 1
  /** How often partitions the engine resolved without an acknowledgement are sent again. */
  readonly resendRounds?: number | undefined
  /** Merged requests stop growing past this many bytes of keys and values (one request is never split). */
  readonly maxRequestBytes?: number | undefined
  readonly logger?: Logger | undefined
}

/** A place in the send order (see `VerifiedProducer.reserve`). */
export interface SendSlot {
  send(batches: readonly EngineTopicMessages[]): Promise<EngineRecordMetadata[]>
  /** Gives the place up (the records will not be sent). */
  cancel(): void
}

interface QueueEntry {
  pending: Pending | undefined
  cancelled: boolean
}

interface Pending {
  readonly batches: readonly EngineTopicMessages[]
  readonly bytes: number
  readonly records: number
  readonly resolve: (meta: EngineRecordMetadata[]) => void
  readonly reject: (error: Error) => void
}

/** One partition's records in a flight, and where each merged request's records start. */
interface FlightPartition {
  readonly topic: string
  readonly partition: number
  readonly messages: EngineMessage[]
  /** Per request in the flight: index of its first record here, and how many it has. */
  readonly slices: Map<Pending, { start: number; count: number }>
}

const DEFAULT_RESEND_ROUNDS = 5
// Well under the broker's default message.max.bytes (1 MiB per partition batch) once framed.
const DEFAULT_MAX_REQUEST_BYTES = 900_000

/** The partitions of `sent` that `acked` has no acknowledgement for, with their record counts. */
export function unacknowledged(
  sent: readonly EngineTopicMessages[],
  acked: readonly EngineRecordMetadata[],
): UndeliveredPartition[] {
  const ok = new Set(acked.map((a) => partitionKey(a.topic, a.partition)))
  const missing = new Map<string, { topic: string; partition: number; count: number }>()
  for (const b of sent) {
    for (const m of b.messages) {
      const k = partitionKey(b.topic, m.partition)
      if (ok.has(k)) continue
      const entry = missing.get(k) ?? { topic: b.topic, partition: m.partition, count: 0 }
      entry.count++
      missing.set(k, entry)
    }
  }
  return [...missing.values()]
}

/** Throws KAFKIT_CLIENT_NOT_DELIVERED when `acked` leaves any partition of `sent` unacknowledged. */
export function assertAcknowledged(
  sent: readonly EngineTopicMessages[],
  acked: readonly EngineRecordMetadata[],
): void {
  const missing = unacknowledged(sent, acked)
  if (missing.length > 0) {
    throw notDelivered(missing, countRecords(sent), 'the engine resolved without an acknowledgement for them')
  }
}

/** Wraps an engine producer so that every send keeps the delivery promise above. */
export class VerifiedProducer implements EngineProducer {
  readonly #create: () => EngineProducer
  readonly #acks: -1 | 0 | 1
  readonly #resendRounds: number
  readonly #maxRequestBytes: number
  readonly #logger: Logger
  readonly #queue: QueueEntry[] = []
  readonly #idleWaiters: (() => void)[] = []
  #producer: EngineProducer | undefined
  #connected: Promise<void> | undefined
  #pumping: Promise<void> | undefined
  #inFlightRecords = 0
  #queuedRecords = 0

  constructor(create: () => EngineProducer, options: VerifiedProducerOptions) {
    this.#create = create
    this.#acks = options.acks
    this.#resendRounds = options.resendRounds ?? DEFAULT_RESEND_ROUNDS
    this.#maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES
    this.#logger = options.logger ?? silentLogger
  }

  /** Records handed to the engine and not yet acknowledged or failed. */
  get inFlightRecords(): number {
    return this.#inFlightRecords
  }

  /** Records waiting for the request in flight to finish. */
  get queuedRecords(): number {
    return this.#queuedRecords
  }

  connect(): Promise<void> {
    if (this.#connected === undefined) {
      const producer = this.#create()
      this.#producer = producer
      this.#connected = producer.connect().catch((error: unknown) => {
        this.#producer = undefined
        this.#connected = undefined
        throw error
      })
    }
    return this.#connected
  }

  /** Waits for queued and in-flight sends to settle, then disconnects the engine producer. */
  async disconnect(): Promise<void> {
    while (this.#pumping || this.#queue.length > 0) {
      if (this.#pumping) await this.#pumping
      // Places still being prepared: wait until they are filled (and sent) or given up.
      else await new Promise<void>((r) => this.#idleWaiters.push(r))
    }
    await this.#drop()
  }

  send(batches: readonly EngineTopicMessages[]): Promise<EngineRecordMetadata[]> {
    return this.reserve().send(batches)
  }

  /**
   * Takes a place in the send order now, for records that are still being prepared (schema lookups,
   * encoding). Sends go out in the order of their places, whatever order their preparation ends in.
   */
  reserve(): SendSlot {
    const entry: QueueEntry = { pending: undefined, cancelled: false }
    this.#queue.push(entry)
    return {
      send: (batches) => {
        let records = 0
        let bytes = 0
        for (const b of batches) {
          for (const m of b.messages) {
            records++
            bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0)
          }
        }
        if (records === 0) {
          entry.cancelled = true
          this.#kick()
          return Promise.resolve([])
        }
        return new Promise((resolve, reject) => {
          entry.pending = { batches, bytes, records, resolve, reject }
          this.#queuedRecords += records
          this.#kick()
        })
      },
      cancel: () => {
        entry.cancelled = true
        this.#kick()
      },
    }
  }

  #kick(): void {
    for (const wake of this.#idleWaiters.splice(0)) wake()
    if (this.#pumping) return
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = undefined
      // A send filled after the pump's last look at the queue, but before it ended.
      if (this.#ready()) this.#kick()
    })
  }

  /** Drops cancelled places at the head; true when the head is ready to send. */
  #ready(): boolean {
    while (this.#queue.length > 0 && (this.#queue[0] as QueueEntry).cancelled) this.#queue.shift()
    return this.#queue.length > 0 && (this.#queue[0] as QueueEntry).pending !== undefined
  }

  async #pump(): Promise<void> {
    while (this.#ready()) {
      // Merge what queued up while the previous request was in flight, in call order, up to the
      // first place whose records are not ready yet.
      const flight: Pending[] = []
      let bytes = 0
      while (this.#ready()) {
        const next = (this.#queue[0] as QueueEntry).pending as Pending
        if (flight.length > 0 && bytes + next.bytes > this.#maxRequestBytes) break
        flight.push(next)
        bytes += next.bytes
        this.#queue.shift()
      }
      const records = flight.reduce((n, p) => n + p.records, 0)
      this.#queuedRecords -= records
      this.#inFlightRecords = records
      try {
        await this.#fly(flight)
      } finally {
        this.#inFlightRecords = 0
      }
    }
  }

  /** Sends one merged request until every partition is acknowledged or cannot be; settles each send. */
  async #fly(flight: readonly Pending[]): Promise<void> {
    const partitions = new Map<string, FlightPartition>()
    for (const p of flight) {
      for (const b of p.batches) {
        for (const m of b.messages) {
          const k = partitionKey(b.topic, m.partition)
          let fp = partitions.get(k)
          if (!fp) {
            fp = { topic: b.topic, partition: m.partition, messages: [], slices: new Map() }
            partitions.set(k, fp)
          }
          const slice = fp.slices.get(p)
          if (slice) slice.count++
          else fp.slices.set(p, { start: fp.messages.length, count: 1 })
          fp.messages.push(m)
        }
      }
    }
    const acked = new Map<string, string | undefined>()
    const open = new Set(partitions.keys())
    let failure: { reason: string; cause: unknown } | undefined
    try {
      await this.connect()
    } catch (error) {
      failure = { reason: `could not connect to Kafka: ${messageOf(error)}`, cause: error }
    }
    for (let round = 0; failure === undefined && open.size > 0; round++) {
      if (round > this.#resendRounds) {
        failure = {
          reason: `the engine resolved ${round} time(s) without an acknowledgement for them`,
          cause: undefined,
        }
        // Their sequence numbers may be out of step with the broker: start again with a new producer id.
        await this.#drop()
        break
      }
      if (round > 0) {
        this.#logger.warn(
          {
            partitions: [...open].map((k) => describe(partitions.get(k) as FlightPartition)),
            round,
          },
          'the engine resolved a send without acknowledging every partition; re-sending',
        )
        await sleep(Math.min(50 * 2 ** (round - 1), 1_000))
      }
      const byTopic = new Map<string, EngineMessage[]>()
      for (const k of open) {
        const fp = partitions.get(k) as FlightPartition
        const list = byTopic.get(fp.topic) ?? []
        for (const m of fp.messages) list.push(m)
        byTopic.set(fp.topic, list)
      }
      const request = [...byTopic].map(([topic, messages]) => ({ topic, messages }))
      let result: EngineRecordMetadata[]
      try {
        result = await (this.#producer as EngineProducer).send(request)
      } catch (error) {
        if (isRefusedPartition(error) && acked.size === 0) {
          // The engine refused before sending anything: the send(s) naming a partition the topic
          // does not have fail with that typed error; the others merged into this request go on.
          if (flight.length > 1) {
            for (const p of flight) await this.#fly([p])
          } else (flight[0] as Pending).reject(error)
          return
        }
        // Partitions the engine says were acknowledged before it failed still count as delivered.
        for (const r of (error as EngineSendError).acked ?? []) {
          const k = partitionKey(r.topic, r.partition)
          if (!open.has(k)) continue
          open.delete(k)
          acked.set(k, r.baseOffset)
        }
        failure = { reason: messageOf(error), cause: error }
        await this.#drop()
        break
      }
      if (this.#acks === 0) {
        // acks=0: the broker sends no answer, so "handed to the socket" is all anyone can know.
        for (const k of open) acked.set(k, undefined)
        open.clear()
        break
      }
      for (const r of result) {
        const k = partitionKey(r.topic, r.partition)
        if (!open.has(k)) continue
        open.delete(k)
        acked.set(k, r.baseOffset)
      }
    }
    for (const p of flight) {
      const meta: EngineRecordMetadata[] = []
      const missing: UndeliveredPartition[] = []
      for (const [k, fp] of partitions) {
        const slice = fp.slices.get(p)
        if (!slice) continue
        if (open.has(k)) {
          missing.push({ topic: fp.topic, partition: fp.partition, count: slice.count })
          continue
        }
        const base = acked.get(k)
        meta.push({
          topic: fp.topic,
          partition: fp.partition,
          baseOffset:
            base === undefined || base === '-1' ? undefined : (BigInt(base) + BigInt(slice.start)).toString(),
        })
      }
      if (missing.length === 0) p.resolve(meta)
      else p.reject(notDelivered(missing, p.records, failure?.reason ?? 'unknown', failure?.cause))
    }
  }

  async #drop(): Promise<void> {
    const producer = this.#producer
    const connected = this.#connected
    this.#producer = undefined
    this.#connected = undefined
    if (producer && connected) {
      await connected.catch(() => {})
      await producer.disconnect().catch(() => {})
    }
  }
}

/**
 * The producer the helpers use for raw bytes (retry and dead-letter topics, replays): idempotent,
 * acks=all, verified like the typed producer.
 */
export function reliableEngineProducer(engine: KafkaEngine, logger?: Logger): VerifiedProducer {
  return new VerifiedProducer(
    () =>
      engine.producer({ idempotent: true, acks: -1, retries: 10, timeoutMs: 30_000, compression: 'none' }),
    { acks: -1, logger },
  )
}

const isRefusedPartition = (error: unknown): error is ClientError =>
  error instanceof ClientError && error.code === 'KAFKIT_CLIENT_PARTITION_INVALID'

function notDelivered(
  missing: readonly UndeliveredPartition[],
  total: number,
  reason: string,
  cause?: unknown,
): ClientError {
  const count = missing.reduce((n, m) => n + m.count, 0)
  const where = missing.map((m) => `${m.topic}[${m.partition}]: ${m.count}`).join(', ')
  return new ClientError(
    'KAFKIT_CLIENT_NOT_DELIVERED',
    `${count} of ${total} record(s) not delivered (${where}): ${reason}. Records of other partitions were acknowledged; sending the undelivered ones again may duplicate any that landed unconfirmed`,
    {
      ...(cause === undefined ? {} : { cause }),
      details: { undelivered: missing, notDelivered: count, delivered: total - count, reason },
      canRetry: true,
    },
  )
}

function countRecords(batches: readonly EngineTopicMessages[]): number {
  return batches.reduce((n, b) => n + b.messages.length, 0)
}

function partitionKey(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`
}

function describe(fp: FlightPartition): string {
  return `${fp.topic}[${fp.partition}]`
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
