import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The record every peer sends: the same object, ~1 KB as JSON. */
export interface BenchEvent {
  id: string
  userId: string
  kind: 'VIEW' | 'CLICK' | 'PURCHASE'
  amount: number
  sequence: number
  sentAt: number
  tags: string[]
  attributes: Record<string, string>
  note: string | null
  payload: string
}

export const schemaFile = fileURLToPath(new URL('../schemas/bench-event.avsc', import.meta.url))
export const schemaText = readFileSync(schemaFile, 'utf8')
export const schemaJson: unknown = JSON.parse(schemaText)
export const schemaFullName = 'dev.kafkit.bench.BenchEvent'

/** JSON size every event is padded to (1 KB). */
export const VALUE_BYTES = 1024

const kinds = ['VIEW', 'CLICK', 'PURCHASE'] as const

/** A wall-clock timestamp in ms with sub-ms precision, comparable across clients in one process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

function baseEvent(sequence: number, sentAt: number): BenchEvent {
  const hex = sequence.toString(16).padStart(12, '0')
  return {
    id: `0b6e7f52-3c1d-4a8e-9f10-${hex}`,
    userId: `user-${sequence % 1000}`,
    kind: kinds[Math.abs(sequence) % 3]!,
    amount: (sequence % 10_000) / 100,
    sequence,
    sentAt,
    tags: ['bench', `shard-${sequence % 7}`, 'kafkit'],
    attributes: { region: 'eu-west-1', device: 'desktop', campaign: 'spring' },
    note: sequence % 2 === 0 ? null : 'odd',
    payload: '',
  }
}

// Filler length that makes the JSON of a typical event VALUE_BYTES; others differ by a few bytes
// (digits of sequence, amount and sentAt, the note).
const probe = baseEvent(12_345, 1_764_000_000_000.123)
const fillerLength = VALUE_BYTES - Buffer.byteLength(JSON.stringify(probe))
const filler = 'x'.repeat(Math.max(0, fillerLength))

/** Event number `sequence`, stamped with `sentAt` (ms). */
export function makeEvent(sequence: number, sentAt = 0): BenchEvent {
  const e = baseEvent(sequence, sentAt)
  e.payload = filler
  return e
}

export function keyOf(e: BenchEvent): string {
  return e.userId
}
