import { describe, expect, it } from 'vitest'
import { checkDelivery, type LoggedRecord } from '../fault/delivery-check'

/** The checker the fault drills trust: shown here to fail on each kind of damage to a log. */
const keyOf = (seq: number) => `k${seq % 5}`
const partitionOf = (key: string) => Number(key.slice(1)) % 3

/** A perfect log of `n` records: each key on its partition, offsets in send order. */
function cleanLog(n: number): LoggedRecord[] {
  const next = new Map<number, bigint>()
  const out: LoggedRecord[] = []
  for (let seq = 0; seq < n; seq++) {
    const key = keyOf(seq)
    const partition = partitionOf(key)
    const offset = next.get(partition) ?? 0n
    next.set(partition, offset + 1n)
    out.push({ partition, offset, key, seq })
  }
  return out
}

function ends(records: readonly LoggedRecord[]): Map<number, bigint> {
  const m = new Map<number, bigint>([
    [0, 0n],
    [1, 0n],
    [2, 0n],
  ])
  for (const r of records) if (r.offset + 1n > (m.get(r.partition) ?? 0n)) m.set(r.partition, r.offset + 1n)
  return m
}

/** Rebuilds offsets after editing a log, as the broker would have assigned them. */
function renumber(records: LoggedRecord[]): LoggedRecord[] {
  const next = new Map<number, bigint>()
  return records.map((r) => {
    const offset = next.get(r.partition) ?? 0n
    next.set(r.partition, offset + 1n)
    return { ...r, offset }
  })
}

describe('checkDelivery', () => {
  it('passes a clean log', () => {
    const records = cleanLog(1000)
    const report = checkDelivery({ expected: 1000, keyOf, endOffsets: ends(records), records })
    expect(report.problems).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.endOffsetTotal).toBe(1000)
  })

  it('catches a loss, in the end offsets and in the read-back', () => {
    const records = renumber(cleanLog(1000).filter((r) => r.seq < 600 || r.seq >= 780))
    const report = checkDelivery({ expected: 1000, keyOf, endOffsets: ends(records), records })
    expect(report.ok).toBe(false)
    expect(report.lostCount).toBe(180)
    expect(report.lost[0]).toBe(600)
    expect(report.endOffsetTotal).toBe(820)
    expect(report.problems.join('\n')).toMatch(/end offsets add up to 820, but 1000/)
    expect(report.problems.join('\n')).toMatch(/180 record\(s\) lost/)
  })

  it('catches a duplicate', () => {
    const log = cleanLog(100)
    const dup = log.find((r) => r.seq === 42) as LoggedRecord
    // A retry that was written twice lands right behind the original.
    const records = renumber([...log.slice(0, 43), dup, ...log.slice(43)])
    const report = checkDelivery({ expected: 100, keyOf, endOffsets: ends(records), records })
    expect(report.ok).toBe(false)
    expect(report.duplicateCount).toBe(1)
    expect(report.duplicated).toEqual([42])
    expect(report.problems.join('\n')).toMatch(/end offsets add up to 101/)
  })

  it('catches a reorder within a key even when nothing is lost or duplicated', () => {
    const log = cleanLog(100)
    // Swap seqs 10 and 15 (same key k0, same partition): counts stay right, order does not.
    const i = log.findIndex((r) => r.seq === 10)
    const j = log.findIndex((r) => r.seq === 15)
    const records = log.map((r, n) => (n === i ? { ...r, seq: 15 } : n === j ? { ...r, seq: 10 } : r))
    const report = checkDelivery({ expected: 100, keyOf, endOffsets: ends(records), records })
    expect(report.ok).toBe(false)
    expect(report.lostCount).toBe(0)
    expect(report.duplicateCount).toBe(0)
    expect(report.reorderCount).toBe(1)
    expect(report.reordered[0]).toMatchObject({ key: 'k0', seq: 10, after: 15 })
  })

  it('catches a read-back that saw less than the log holds, and records that were never sent', () => {
    const log = cleanLog(50)
    const short = log.slice(0, 49)
    const r1 = checkDelivery({ expected: 50, keyOf, endOffsets: ends(log), records: short })
    expect(r1.ok).toBe(false)
    expect(r1.problems.join('\n')).toMatch(/read back 49 record\(s\), but the end offsets add up to 50/)
    const forged = [...log.slice(0, 49), { ...(log[49] as LoggedRecord), key: 'k9' }]
    const r2 = checkDelivery({ expected: 50, keyOf, endOffsets: ends(log), records: forged })
    expect(r2.corrupt).toBe(1)
    expect(r2.lostCount).toBe(1)
  })
})
