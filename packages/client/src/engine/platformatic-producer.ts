import {
  type ClusterMetadata,
  type ConnectionOptions,
  ConnectionPool,
  type MessageRecord,
  NumericMap,
  type Producer,
  produceV3,
  produceV4,
  produceV5,
  produceV6,
  produceV7,
  produceV8,
  produceV9,
  produceV10,
  produceV11,
  protocolErrors,
  protocolErrorsCodesById,
} from '@platformatic/kafka'
import { refuseMissingPartitions } from './partitions'
import type {
  EngineHeaders,
  EngineProducer,
  EngineProducerOptions,
  EngineRecordMetadata,
  EngineTopicMessages,
} from './types'

/**
 * The platformatic engine's idempotent producer. The library's Producer is used for metadata and the
 * producer id only; requests are built here with its protocol API, so that retries can be right where
 * the library's are not:
 * - One request per leader, like the library, but a partition the broker refused (NOT_LEADER_OR_FOLLOWER
 *   after a leader change, NOT_ENOUGH_REPLICAS, ...) is retried on its own current leader. The library
 *   retries the whole request to the leader of its first record's partition only, so partitions that
 *   moved elsewhere were refused until the retries ran out (which is why this engine used to send one
 *   request per partition, at about 0.6x the library's throughput).
 * - A partition's retries carry its first attempt's sequence number and producer id: the broker writes
 *   the records once whatever happened to an earlier attempt (the library re-inits the producer id when
 *   a send fails, so a record that landed unconfirmed would be written again under the new id).
 * - Partitions the broker acknowledged are never sent again.
 * Sends run one at a time (Kafkit's delivery layer has one in flight anyway): a partition's batches
 * never overtake each other.
 */

/** The library's TLS and SASL options, as the engine mapped them from Kafkit's `tls` and `sasl`. */
export type PlatformaticSecurity = Pick<ConnectionOptions, 'tls' | 'tlsServerName' | 'sasl'>

type BaseOptions = PlatformaticSecurity & {
  clientId: string
  bootstrapBrokers: string[]
  connectTimeout: number
}

/** TLS and SASL for a ConnectionPool of our own (its requests go to the same secured listeners). */
export function poolSecurity(base: PlatformaticSecurity): PlatformaticSecurity {
  return {
    ...(base.tls ? { tls: base.tls, tlsServerName: base.tlsServerName } : {}),
    ...(base.sasl ? { sasl: base.sasl } : {}),
  }
}

type ProduceApi = typeof produceV11.api
type ProduceResponse = ReturnType<typeof produceV11.parseResponse>
/** Newest first: the first the broker supports is used. */
const PRODUCE_APIS: readonly ProduceApi[] = [
  produceV11.api,
  produceV10.api,
  produceV9.api,
  produceV8.api,
  produceV7.api,
  produceV6.api,
  produceV5.api,
  produceV4.api,
  produceV3.api,
] as unknown as ProduceApi[]

const METADATA_MAX_AGE_MS = 5_000

/** Kafka's producer sequence numbers are int32 and wrap to 0. */
const SEQUENCE_LIMIT = 2 ** 31

interface Part {
  readonly key: string
  readonly topic: string
  readonly partition: number
  readonly messages: MessageRecord[]
  /** Sequence number of the first record, fixed for every attempt of this send. */
  readonly sequence: number
}

interface Failure {
  readonly part: Part
  readonly reason: string
}

export function platformaticProducer(
  base: BaseOptions,
  o: EngineProducerOptions,
  create: () => Producer,
): EngineProducer {
  let client: Producer | undefined
  let pool: ConnectionPool | undefined
  let api: Promise<ProduceApi> | undefined
  let producerId: Promise<{ producerId: bigint; producerEpoch: number }> | undefined
  const sequences = new Map<string, number>()
  let chain: Promise<unknown> = Promise.resolve()
  const acks = o.idempotent ? -1 : o.acks
  const open = () => {
    client ??= create()
    pool ??= new ConnectionPool(base.clientId, {
      connectTimeout: base.connectTimeout,
      ...poolSecurity(base),
      // A produce waits up to timeoutMs on the broker; the socket gets a little longer.
      requestTimeout: o.timeoutMs + 5_000,
    })
    return { client, pool }
  }
  const produceApi = (c: Producer) => {
    api ??= c.listApis().then(
      (apis) => {
        const range = apis.find((a) => a.name === 'Produce')
        const found = PRODUCE_APIS.find(
          (x) => range !== undefined && x.version >= range.minVersion && x.version <= range.maxVersion,
        )
        if (!found) throw new Error('the broker supports none of the Produce versions 3 to 11')
        return found
      },
      (error: unknown) => {
        api = undefined
        throw error
      },
    )
    return api
  }
  // The library's metadata() validates its options on every call: a send reuses the last answer for
  // as long as the library would (its metadataMaxAge, 5 s); every retry asks the cluster.
  let cached: { meta: ClusterMetadata; at: number } | undefined
  const metadataOf = async (c: Producer, topics: readonly string[], fresh: boolean) => {
    const hit = cached
    if (
      !fresh &&
      hit &&
      Date.now() - hit.at < METADATA_MAX_AGE_MS &&
      topics.every((t) => hit.meta.topics.has(t))
    ) {
      return hit.meta
    }
    const meta = await c.metadata({ topics: [...topics], forceUpdate: fresh })
    cached = { meta, at: Date.now() }
    return meta
  }
  const idOf = (c: Producer) => {
    // Concurrent first sends would each claim a producer id: claim it once.
    producerId ??= c.initIdempotentProducer({}).then(
      (info) => ({ producerId: info.producerId, producerEpoch: info.producerEpoch }),
      (error: unknown) => {
        producerId = undefined
        throw error
      },
    )
    return producerId
  }

  async function send(batches: readonly EngineTopicMessages[]): Promise<EngineRecordMetadata[]> {
    const { client: c, pool: p } = open()
    const topics = [...new Set(batches.map((b) => b.topic))]
    let meta = await metadataOf(c, topics, false)
    await refuseMissingPartitions(batches, async (names, fresh) => {
      if (fresh) meta = await metadataOf(c, topics, true)
      const counts = new Map<string, number>()
      for (const name of names) {
        const t = meta.topics.get(name)
        if (t) counts.set(name, t.partitionsCount)
      }
      return counts
    })
    const version = await produceApi(c)
    const id = o.idempotent ? await idOf(c) : undefined

    // Records per partition, in order, each partition's sequence numbers taken once.
    const parts = new Map<string, Part>()
    for (const b of batches) {
      for (const m of b.messages) {
        const key = `${b.topic}:${m.partition}`
        let part = parts.get(key)
        if (!part) {
          part = { key, topic: b.topic, partition: m.partition, messages: [], sequence: 0 }
          parts.set(key, part)
        }
        part.messages.push(toRecord(b.topic, m))
      }
    }
    if (id) {
      for (const [key, part] of parts) {
        const first = sequences.get(key) ?? 0
        sequences.set(key, (first + part.messages.length) % SEQUENCE_LIMIT)
        parts.set(key, { ...part, sequence: first })
      }
    }

    const acked: EngineRecordMetadata[] = []
    const failed: Failure[] = []
    let waiting = [...parts.values()]
    let lastError: unknown
    for (let attempt = 0; waiting.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > o.retries) break
        await sleep(Math.min(100 * 2 ** (attempt - 1), 2_000))
        try {
          // Who leads now: every retry follows a refusal or a lost connection.
          meta = await metadataOf(c, topics, true)
        } catch (error) {
          lastError = error
          continue
        }
      }
      const retry: Part[] = []
      const groups = byLeader(waiting, meta, retry)
      if (retry.length > 0) {
        lastError = new Error(
          `no leader known for ${retry.map((x) => `${x.topic}[${x.partition}]`).join(', ')}`,
        )
      }
      await Promise.all(
        groups.map(async ({ broker, parts: group }) => {
          const outcome = await request(
            p,
            broker,
            version,
            group,
            id,
            acks,
            o.timeoutMs,
            o.compression,
          ).catch((error: unknown) => {
            lastError = error
            return undefined
          })
          for (const part of group) {
            const r = outcome?.get(part.key)
            if (r === undefined) {
              // No answer (connection lost, timeout): same records, same sequence numbers, again.
              retry.push(part)
            } else if (r.errorCode === 0) {
              // baseOffset is undefined only when the broker answers none (acks=0).
              acked.push({ topic: part.topic, partition: part.partition, baseOffset: r.baseOffset })
            } else {
              const name = protocolErrorsCodesById[r.errorCode as keyof typeof protocolErrorsCodesById]
              const known = name ? protocolErrors[name as keyof typeof protocolErrors] : undefined
              const reason =
                `${name ?? `error ${r.errorCode}`}: ${r.errorMessage ?? known?.message ?? ''}`.trim()
              if (known?.canRetry) {
                lastError = new Error(reason)
                retry.push(part)
              } else failed.push({ part, reason })
            }
          }
        }),
      )
      waiting = retry
    }
    const ackedList = acks === 0 ? [] : acked
    if (waiting.length === 0 && failed.length === 0) return ackedList
    // Failed partitions used sequence numbers the broker never saw: the next send starts over with a
    // new producer id (Kafkit's delivery layer also replaces the whole producer after a failure).
    producerId = undefined
    sequences.clear()
    const reasons = new Set(failed.map((f) => f.reason))
    if (waiting.length > 0) reasons.add(messageOf(lastError))
    const error = new Error(`Producing messages failed. (${[...reasons].join('; ')})`, {
      ...(lastError === undefined ? {} : { cause: lastError }),
    })
    throw Object.assign(error, { acked: ackedList })
  }

  return {
    async connect() {
      // Clients connect lazily; asking for metadata fails fast on unreachable brokers.
      await open().client.metadata({ topics: [] })
    },
    async disconnect() {
      const c = client
      const p = pool
      client = undefined
      pool = undefined
      api = undefined
      cached = undefined
      producerId = undefined
      sequences.clear()
      await chain.catch(() => {})
      await p?.close().catch(() => {})
      await c?.close()
    },
    send(batches) {
      const result = chain.then(() => send(batches))
      chain = result.catch(() => {})
      return result
    },
  }
}

/** The parts grouped by their leader's address; parts without a known leader go to `unknown`. */
function byLeader(
  parts: readonly Part[],
  meta: ClusterMetadata,
  unknown: Part[],
): { broker: { host: string; port: number }; parts: Part[] }[] {
  const groups = new Map<number, { broker: { host: string; port: number }; parts: Part[] }>()
  for (const part of parts) {
    const leader = meta.topics.get(part.topic)?.partitions[part.partition]?.leader ?? -1
    const broker = meta.brokers.get(leader)
    if (leader < 0 || !broker) {
      unknown.push(part)
      continue
    }
    let group = groups.get(leader)
    if (!group) {
      group = { broker: { host: broker.host, port: broker.port }, parts: [] }
      groups.set(leader, group)
    }
    group.parts.push(part)
  }
  return [...groups.values()]
}

type PartitionOutcome = { errorCode: number; baseOffset: string | undefined; errorMessage: string | null }

/**
 * One Produce request to one broker. Resolves per partition with the broker's answer (an error code
 * is an answer), or rejects when there is none (the outcome of every partition is then unknown).
 */
async function request(
  pool: ConnectionPool,
  broker: { host: string; port: number },
  api: ProduceApi,
  parts: readonly Part[],
  id: { producerId: bigint; producerEpoch: number } | undefined,
  acks: number,
  timeoutMs: number,
  compression: EngineProducerOptions['compression'],
): Promise<Map<string, PartitionOutcome>> {
  const connection = await pool.get(broker)
  const messages: MessageRecord[] = []
  for (const part of parts) for (const m of part.messages) messages.push(m)
  const sequences = new NumericMap(parts.map((x) => [x.key, x.sequence]))
  let response: ProduceResponse | boolean | undefined
  try {
    response = await api.async(connection, acks, timeoutMs, messages, {
      compression,
      ...(id ? { producerId: id.producerId, producerEpoch: id.producerEpoch, sequences } : {}),
    })
  } catch (error) {
    // Partition errors come as a ResponseError carrying the whole answer.
    const answer = (error as { response?: ProduceResponse }).response
    if (!answer?.responses) throw error
    response = answer
  }
  const out = new Map<string, PartitionOutcome>()
  if (typeof response !== 'object') {
    // acks=0: no answer is coming; handed to the socket is all there is.
    for (const part of parts) out.set(part.key, { errorCode: 0, baseOffset: undefined, errorMessage: null })
    return out
  }
  for (const t of response.responses) {
    for (const r of t.partitionResponses) {
      out.set(`${t.name}:${r.index}`, {
        errorCode: r.errorCode,
        baseOffset: r.baseOffset >= 0n ? r.baseOffset.toString() : undefined,
        errorMessage: r.errorMessage ?? null,
      })
    }
  }
  return out
}

/** An engine message in the library's record shape. */
export function toRecord(topic: string, m: EngineTopicMessages['messages'][number]): MessageRecord {
  // Plain assignments: this runs for every record (spreads of optional parts cost more).
  const r = { topic, partition: m.partition } as MessageRecord
  if (m.key !== null) r.key = m.key
  if (m.value !== null) r.value = m.value
  if (m.headers) r.headers = toHeaderMap(m.headers)
  if (m.timestamp) r.timestamp = BigInt(m.timestamp)
  return r
}

export function toHeaderMap(headers: EngineHeaders): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>()
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out.set(Buffer.from(k), Buffer.isBuffer(v) ? v : Buffer.from(v))
  }
  return out
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const inner = (error as { errors?: unknown[] }).errors
    const leaf = inner && inner.length > 0 ? inner[inner.length - 1] : undefined
    return leaf instanceof Error ? `${error.message}: ${leaf.message}` : error.message
  }
  return String(error ?? 'no answer from the leader')
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
