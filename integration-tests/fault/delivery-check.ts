/**
 * The fault drills' verdict on what landed in the log. Pure, so its own unit test
 * (integration-tests/unit/delivery-check.test.ts) proves it catches a loss, a duplicate, a reorder and
 * an end-offset mismatch before any drill relies on it.
 *
 * The drills send records numbered 0..expected-1 (`seq`), each with the key `keyOf(seq)`; a key always
 * maps to one partition, so per-key order means: along a partition's offsets, a key's seqs increase.
 */

export interface LoggedRecord {
  readonly partition: number
  readonly offset: bigint
  readonly key: string
  readonly seq: number
}

export interface DeliveryCheckInput {
  /** Records sent and acknowledged: seqs 0..expected-1. */
  readonly expected: number
  readonly keyOf: (seq: number) => string
  /** The topic's end offsets (high watermarks) per partition; the topic was empty before the drill. */
  readonly endOffsets: ReadonlyMap<number, bigint>
  /** Everything read back from the log. */
  readonly records: readonly LoggedRecord[]
}

export interface DeliveryReport {
  readonly ok: boolean
  readonly expected: number
  readonly endOffsetTotal: number
  readonly readBack: number
  /** Seqs never found (first 20) and how many in all. */
  readonly lost: readonly number[]
  readonly lostCount: number
  /** Seqs found more than once (first 20) and how many extra copies in all. */
  readonly duplicated: readonly number[]
  readonly duplicateCount: number
  /** Records whose seq is not above the previous one of the same key in its partition (first 20). */
  readonly reordered: readonly {
    key: string
    partition: number
    offset: string
    seq: number
    after: number
  }[]
  readonly reorderCount: number
  /** Records whose key is not the one sent with their seq, or a seq out of range. */
  readonly corrupt: number
  readonly problems: readonly string[]
}

const SAMPLE = 20

export function checkDelivery(input: DeliveryCheckInput): DeliveryReport {
  const { expected, keyOf, records } = input
  let endOffsetTotal = 0
  for (const end of input.endOffsets.values()) endOffsetTotal += Number(end)
  const copies = new Uint32Array(expected)
  let corrupt = 0
  for (const r of records) {
    if (!Number.isInteger(r.seq) || r.seq < 0 || r.seq >= expected || r.key !== keyOf(r.seq)) {
      corrupt++
      continue
    }
    copies[r.seq] = (copies[r.seq] as number) + 1
  }
  const lost: number[] = []
  const duplicated: number[] = []
  let lostCount = 0
  let duplicateCount = 0
  for (let seq = 0; seq < expected; seq++) {
    const n = copies[seq] as number
    if (n === 0) {
      lostCount++
      if (lost.length < SAMPLE) lost.push(seq)
    } else if (n > 1) {
      duplicateCount += n - 1
      if (duplicated.length < SAMPLE) duplicated.push(seq)
    }
  }
  const ordered = [...records].sort((a, b) =>
    a.partition !== b.partition
      ? a.partition - b.partition
      : a.offset < b.offset
        ? -1
        : a.offset > b.offset
          ? 1
          : 0,
  )
  const lastSeq = new Map<string, number>()
  const reordered: DeliveryReport['reordered'][number][] = []
  let reorderCount = 0
  for (const r of ordered) {
    const k = `${r.partition}\u0000${r.key}`
    const prev = lastSeq.get(k)
    if (prev !== undefined && r.seq <= prev) {
      reorderCount++
      if (reordered.length < SAMPLE) {
        reordered.push({
          key: r.key,
          partition: r.partition,
          offset: r.offset.toString(),
          seq: r.seq,
          after: prev,
        })
      }
    }
    lastSeq.set(k, Math.max(prev ?? -1, r.seq))
  }
  const problems: string[] = []
  if (endOffsetTotal !== expected) {
    problems.push(`end offsets add up to ${endOffsetTotal}, but ${expected} record(s) were acknowledged`)
  }
  if (records.length !== endOffsetTotal) {
    problems.push(`read back ${records.length} record(s), but the end offsets add up to ${endOffsetTotal}`)
  }
  if (lostCount > 0) problems.push(`${lostCount} record(s) lost, e.g. seq ${lost.join(', ')}`)
  if (duplicateCount > 0) {
    problems.push(`${duplicateCount} duplicate(s), e.g. seq ${duplicated.join(', ')}`)
  }
  if (reorderCount > 0) {
    const e = reordered[0] as DeliveryReport['reordered'][number]
    problems.push(
      `${reorderCount} record(s) out of key order, e.g. key ${e.key} seq ${e.seq} at ${e.partition}:${e.offset} after seq ${e.after}`,
    )
  }
  if (corrupt > 0) problems.push(`${corrupt} record(s) with a seq that was not sent or the wrong key`)
  return {
    ok: problems.length === 0,
    expected,
    endOffsetTotal,
    readBack: records.length,
    lost,
    lostCount,
    duplicated,
    duplicateCount,
    reordered,
    reorderCount,
    corrupt,
    problems,
  }
}
