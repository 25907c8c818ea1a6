import { ClientError } from './errors'

/**
 * Partitioning, compatible with the Java client: a keyed record goes to
 * `toPositive(murmur2(keyBytes)) % partitionCount`, exactly as Kafka's DefaultPartitioner /
 * BuiltInPartitioner do, so TypeScript and JVM producers put the same key on the same partition.
 * Keyless records go round-robin per topic (see docs/client.md for why not sticky).
 */

/** Kafka's murmur2 (seed 0x9747b28c), as org.apache.kafka.common.utils.Utils.murmur2: a signed 32-bit int. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  const m = 0x5bd1e995
  let h = (0x9747b28c ^ length) | 0
  const length4 = length >>> 2
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24) | 0
    k = Math.imul(k, m)
    k ^= k >>> 24
    k = Math.imul(k, m)
    h = Math.imul(h, m)
    h ^= k
  }
  // The Java original falls through a switch on the 1-3 tail bytes; same steps, spelled out.
  const tail = length & ~3
  const rest = length & 3
  if (rest === 3) h ^= data[tail + 2]! << 16
  if (rest >= 2) h ^= data[tail + 1]! << 8
  if (rest >= 1) {
    h ^= data[tail]!
    h = Math.imul(h, m)
  }
  h ^= h >>> 13
  h = Math.imul(h, m)
  h ^= h >>> 15
  return h | 0
}

/** Java's Utils.toPositive: clears the sign bit (not Math.abs, which differs for negative values). */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/** The partition Java's default partitioner picks for these serialized key bytes. */
export function partitionForKey(keyBytes: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(keyBytes)) % partitionCount
}

/** What a custom partitioner sees; `value` is typed by the topic descriptor. */
export interface PartitionerContext<Value = unknown, Key = unknown> {
  readonly topic: string
  readonly partitionCount: number
  readonly key: Key
  readonly value: Value
  /** The serialized key (Confluent-framed for Avro keys); null for keyless records. */
  readonly keyBytes: Buffer | null
}

/** A custom partitioner: returns a partition in 0..partitionCount-1. */
export type Partitioner<Value = unknown, Key = unknown> = (context: PartitionerContext<Value, Key>) => number

/** Round-robin counters for keyless records, one per topic. */
export class RoundRobin {
  readonly #next = new Map<string, number>()
  next(topic: string, partitionCount: number): number {
    const n = this.#next.get(topic) ?? 0
    this.#next.set(topic, (n + 1) % 0x7fffffff)
    return n % partitionCount
  }
}

/** Reads a dotted path (`customer.id`) from a value; undefined when any step is missing. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

/**
 * Bytes that represent a `partitionKey` field value: strings as UTF-8 and Buffers as is (the same
 * bytes a string/bytes key would have), other scalars as their decimal/JSON text.
 */
export function partitionKeyBytes(fieldValue: unknown): Buffer | null {
  if (fieldValue === undefined || fieldValue === null) return null
  if (Buffer.isBuffer(fieldValue)) return fieldValue
  if (typeof fieldValue === 'string') return Buffer.from(fieldValue, 'utf8')
  if (typeof fieldValue === 'number' || typeof fieldValue === 'bigint' || typeof fieldValue === 'boolean') {
    return Buffer.from(String(fieldValue), 'utf8')
  }
  return Buffer.from(JSON.stringify(fieldValue), 'utf8')
}

/** Checks what a partitioner returned before it reaches the engine. */
export function checkPartition(topic: string, partition: number, partitionCount: number): number {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
    throw new ClientError(
      'KAFKIT_CLIENT_PARTITION_INVALID',
      `partition ${partition} is not valid for topic '${topic}' with ${partitionCount} partitions: use an integer in 0..${partitionCount - 1}`,
      { details: { topic, partition, partitionCount } },
    )
  }
  return partition
}
