import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ClientError } from '../src/errors'
import {
  checkPartition,
  murmur2,
  partitionForKey,
  partitionKeyBytes,
  RoundRobin,
  readPath,
  toPositive,
} from '../src/partitioners'

interface Fixture {
  kafkaClients: string
  partitionCounts: number[]
  cases: { kind: string; label: string; keyHex: string; murmur2: number; partitions: number[] }[]
}

// Computed by the real kafka-clients jar (test/fixtures/java/Murmur2Fixtures.java, scripts/murmur2-fixtures.sh).
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/murmur2.json', import.meta.url), 'utf8'),
) as Fixture

describe('murmur2 partitioner against Java fixtures', () => {
  it('covers every key kind', () => {
    const kinds = new Set(fixture.cases.map((c) => c.kind))
    expect([...kinds].sort()).toEqual(['ascii', 'binary', 'empty', 'long', 'utf8'])
  })

  for (const c of fixture.cases) {
    it(`${c.kind}: ${c.label}`, () => {
      const bytes = Buffer.from(c.keyHex, 'hex')
      expect(murmur2(bytes)).toBe(c.murmur2)
      const got = fixture.partitionCounts.map((n) => partitionForKey(bytes, n))
      expect(got).toEqual(c.partitions)
    })
  }

  it('toPositive clears the sign bit like Java (not Math.abs)', () => {
    expect(toPositive(-1)).toBe(0x7fffffff)
    expect(toPositive(-2147483648)).toBe(0)
    expect(toPositive(5)).toBe(5)
  })
})

describe('keyless and helper logic', () => {
  it('round-robins per topic', () => {
    const rr = new RoundRobin()
    expect([0, 1, 2, 3].map(() => rr.next('a', 3))).toEqual([0, 1, 2, 0])
    expect(rr.next('b', 3)).toBe(0)
  })

  it('reads dotted paths and turns field values into key bytes', () => {
    expect(readPath({ a: { b: 'x' } }, 'a.b')).toBe('x')
    expect(readPath({ a: null }, 'a.b')).toBeUndefined()
    expect(partitionKeyBytes('k1')?.toString('hex')).toBe('6b31')
    expect(partitionKeyBytes(42)?.toString()).toBe('42')
    expect(partitionKeyBytes(null)).toBeNull()
  })

  it('rejects out-of-range partitions with a typed error', () => {
    expect(checkPartition('t', 2, 3)).toBe(2)
    expect(() => checkPartition('t', 3, 3)).toThrow(ClientError)
    expect(() => checkPartition('t', 1.5, 3)).toThrow(/integer in 0\.\.2/)
  })
})
