import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyOrderedScheduler } from '../../src/consumer-group/key-scheduler'

interface Item {
  key: string | null
  seq: number
}

/** Work that finishes after a number of microtask turns, to interleave items deterministically. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

describe('KeyOrderedScheduler: up to N at once, one key at a time, in order', () => {
  it('property: per-key order kept, never two items of one key at once, never more than N', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', null), fc.integer({ min: 0, max: 6 })), {
          maxLength: 80,
        }),
        async (concurrency, spec) => {
          const running = new Set<string>()
          let now = 0
          let peak = 0
          const seen: Item[] = []
          const s = new KeyOrderedScheduler<Item & { cost: number }>({
            concurrency,
            keyOf: (i) => i.key,
            work: async (i) => {
              if (i.key !== null) {
                expect(running.has(i.key)).toBe(false)
                running.add(i.key)
              }
              now++
              peak = Math.max(peak, now)
              seen.push(i)
              await turns(i.cost)
              now--
              if (i.key !== null) running.delete(i.key)
            },
          })
          spec.forEach(([key, cost], seq) => {
            s.submit({ key, seq, cost })
          })
          await s.idle()
          expect(seen).toHaveLength(spec.length)
          expect(peak).toBeLessThanOrEqual(concurrency)
          for (const k of ['a', 'b', 'c', 'd']) {
            const seqs = seen.filter((i) => i.key === k).map((i) => i.seq)
            expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
          }
          expect(s.size).toBe(0)
        },
      ),
    )
  })

  it('runs different keys concurrently (a slow key does not block others)', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const done: string[] = []
    const s = new KeyOrderedScheduler<{ key: string; id: string }>({
      concurrency: 2,
      keyOf: (i) => i.key,
      work: async (i) => {
        if (i.id === 'slow') await gate
        done.push(i.id)
      },
    })
    s.submit({ key: 'x', id: 'slow' })
    s.submit({ key: 'x', id: 'after-slow' })
    s.submit({ key: 'y', id: 'y1' })
    s.submit({ key: 'y', id: 'y2' })
    await turns(10)
    expect(done).toEqual(['y1', 'y2'])
    release()
    await s.idle()
    expect(done).toEqual(['y1', 'y2', 'slow', 'after-slow'])
  })

  it('close() returns what never started, and running work still finishes', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const done: number[] = []
    const s = new KeyOrderedScheduler<{ key: string; n: number }>({
      concurrency: 1,
      keyOf: (i) => i.key,
      work: async (i) => {
        await gate
        done.push(i.n)
      },
    })
    for (let n = 0; n < 4; n++) s.submit({ key: `k${n % 2}`, n })
    const dropped = s.close()
    expect(dropped.map((d) => d.n).sort()).toEqual([1, 2, 3])
    expect(() => s.submit({ key: 'z', n: 9 })).toThrow(/closed/)
    release()
    await s.idle()
    expect(done).toEqual([0])
  })

  it('belowLimit waits while the queue is full (back-pressure)', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const s = new KeyOrderedScheduler<number>({ concurrency: 1, keyOf: () => null, work: () => gate })
    s.submit(1)
    s.submit(2)
    let below = false
    const waiting = s.belowLimit(2).then(() => {
      below = true
    })
    await turns(5)
    expect(below).toBe(false)
    release()
    await waiting
    expect(s.size).toBeLessThan(2)
  })

  it('rejects a bad concurrency', () => {
    expect(
      () => new KeyOrderedScheduler({ concurrency: 0, keyOf: () => null, work: async () => {} }),
    ).toThrow(/concurrency must be an integer >= 1, got 0/)
  })
})
