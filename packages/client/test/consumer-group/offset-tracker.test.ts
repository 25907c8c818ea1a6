import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OffsetTracker } from '../../src/consumer-group/offset-tracker'

describe('OffsetTracker: commit only the highest contiguous completed offset', () => {
  it('does not move past a gap, then jumps when the gap closes', () => {
    const t = new OffsetTracker()
    for (const o of ['10', '11', '12', '13']) t.track(o)
    expect(t.complete('11')).toBeUndefined()
    expect(t.complete('13')).toBeUndefined()
    expect(t.committable()).toBeUndefined()
    expect(t.complete('10')).toBe('12')
    expect(t.inFlight()).toEqual(['12'])
    expect(t.complete('12')).toBe('14')
    expect(t.inFlightCount).toBe(0)
  })

  it('handles offset gaps from compaction or transactions (tracked offsets need not be consecutive)', () => {
    const t = new OffsetTracker()
    for (const o of ['5', '9', '20']) t.track(o)
    expect(t.complete('9')).toBeUndefined()
    expect(t.complete('5')).toBe('10')
    expect(t.complete('20')).toBe('21')
  })

  it('rejects misuse with a clear message', () => {
    const t = new OffsetTracker()
    t.track('3')
    expect(() => t.track('2')).toThrow(/increasing order: 2 after 3/)
    expect(() => t.complete('7')).toThrow(/not tracked/)
    t.complete('3')
    expect(() => t.complete('3')).toThrow(/already completed/)
  })

  it('offsets past 2^53 stay exact', () => {
    const t = new OffsetTracker()
    t.track('9007199254740993')
    expect(t.complete('9007199254740993')).toBe('9007199254740994')
  })

  it('property: for any completion order, committable = 1 + last offset of the completed prefix', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
            ),
          ),
        ([n, order]) => {
          const t = new OffsetTracker()
          for (let i = 0; i < n; i++) t.track(String(100 + i * 2))
          const done = new Set<number>()
          for (const i of order) {
            t.complete(String(100 + i * 2))
            done.add(i)
            let prefix = 0
            while (done.has(prefix)) prefix++
            const expected = prefix === 0 ? undefined : String(100 + (prefix - 1) * 2 + 1)
            expect(t.committable()).toBe(expected)
          }
          expect(t.committable()).toBe(String(100 + (n - 1) * 2 + 1))
        },
      ),
    )
  })
})
