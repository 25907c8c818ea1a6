import { checkPartition } from '../partitioners'
import type { EngineTopicMessages } from './types'

/** Partition counts of these topics (topics the cluster does not know are left out). */
export type PartitionCountsOf = (
  topics: readonly string[],
  fresh: boolean,
) => Promise<ReadonlyMap<string, number>>

/**
 * Refuses a send with a record for a partition its topic does not have, before anything is sent,
 * with the error Kafkit's producer gives for a bad partitioner result (KAFKIT_CLIENT_PARTITION_INVALID).
 * Left to the libraries, @platformatic/kafka sends it to `partition % count` (another partition,
 * silently) and kafkajs retries until it gives up. A partition past the count in cached metadata is
 * checked again on fresh metadata (partitions may just have been added); unknown topics are left to
 * the send, which reports them.
 */
export async function refuseMissingPartitions(
  batches: readonly EngineTopicMessages[],
  countsOf: PartitionCountsOf,
): Promise<void> {
  const wanted = new Map<string, Set<number>>()
  for (const b of batches) {
    const set = wanted.get(b.topic) ?? new Set<number>()
    for (const m of b.messages) set.add(m.partition)
    wanted.set(b.topic, set)
  }
  if (wanted.size === 0) return
  const firstBad = (counts: ReadonlyMap<string, number>) => {
    for (const [topic, partitions] of wanted) {
      const count = counts.get(topic)
      if (count === undefined) continue
      for (const p of partitions) {
        if (!Number.isInteger(p) || p < 0 || p >= count) return { topic, partition: p, count }
      }
    }
    return undefined
  }
  const topics = [...wanted.keys()]
  if (firstBad(await countsOf(topics, false)) === undefined) return
  const bad = firstBad(await countsOf(topics, true))
  if (bad) checkPartition(bad.topic, bad.partition, bad.count)
}
