import { mkdtemp, open, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { parseJsonText } from '@kafkit/common/avro-schema'
import {
  checkCompatibility,
  FileRegistryLog,
  type LogRecord,
  MemoryRegistryLog,
  parseAvroSchema,
  RegistryState,
} from '@kafkit/registry'
// Internals, timed on their own to split parsing from the forms the registry keys on.
import { avscProblem } from '../../../packages/registry/src/schema/avsc-check'
import { writeCanonical } from '../../../packages/registry/src/schema/canonical'
import { schemaText } from '../payload'

export const REGISTER_STEPS = {
  parse: 'parse + validate + canonical forms (parseAvroSchema, whole)',
  json: '  of which: JSON text parse (parseJsonText)',
  canonical: '  of which: canonical + normalized forms (writeCanonical x2)',
  avsc: '  of which: avsc compile backstop',
  compat: 'compatibility check against 1 earlier version (BACKWARD)',
  apply: 'state machine apply of a new register (parses again)',
  memoryAppend: 'memory log append (copy + apply)',
  fsync: 'write + fdatasync of one log line (no apply)',
  fileAppend: 'file log append (write + fdatasync + apply), one at a time',
  fileAppendConcurrent: 'file log append, 10 in flight (group commit)',
} as const

const base = JSON.parse(schemaText) as { name: string; fields: unknown[] }
const named = (name: string) => JSON.stringify({ ...base, name })

function record(i: number, tag: string): LogRecord {
  return {
    proposalId: `profile-${tag}-${i}`,
    command: {
      op: 'register',
      subject: `profile-${tag}-${i}-value`,
      schema: named(`Profile${tag}${i}`),
      schemaType: 'AVRO',
      references: [],
      normalize: false,
    },
  }
}

function time(n: number, fn: (i: number) => void): number {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn(i)
  return ((performance.now() - t0) * 1000) / n
}

async function timeAsync(n: number, fn: (i: number) => Promise<void>): Promise<number> {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await fn(i)
  return ((performance.now() - t0) * 1000) / n
}

/**
 * Where a register's time goes, step by step, with manual timers in this process (microseconds per
 * operation, `ops` distinct never-seen schemas per step). The HTTP layer (fastify, JSON bodies) is the
 * rest of the per-request cost measured by the throughput figures.
 */
export async function registerPathProfile(ops: number): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  const texts = Array.from({ length: ops }, (_, i) => named(`ProfileParse${i}`))
  // Warm the code paths first, as the servers are warmed.
  for (let i = 0; i < Math.min(ops, 500); i++) parseAvroSchema(named(`ProfileWarm${i}`))
  const parsed = texts.map((t) => parseAvroSchema(t))
  out.set(
    REGISTER_STEPS.parse,
    time(ops, (i) => parseAvroSchema(texts[i]!)),
  )
  out.set(
    REGISTER_STEPS.json,
    time(ops, (i) => parseJsonText(texts[i]!)),
  )
  out.set(
    REGISTER_STEPS.canonical,
    time(ops, (i) => {
      writeCanonical(parsed[i]!.root, false)
      writeCanonical(parsed[i]!.root, true)
    }),
  )
  out.set(
    REGISTER_STEPS.avsc,
    time(ops, (i) => avscProblem(parseJsonText(parsed[i]!.canonical), {})),
  )
  const previous = parseAvroSchema(schemaText)
  const evolved = parseAvroSchema(
    JSON.stringify({
      ...base,
      fields: [...base.fields, { name: 'x', type: ['null', 'string'], default: null }],
    }),
  )
  out.set(
    REGISTER_STEPS.compat,
    time(ops, () => {
      checkCompatibility(evolved, [previous], 'BACKWARD')
    }),
  )
  const state = new RegistryState()
  out.set(
    REGISTER_STEPS.apply,
    time(ops, (i) => {
      const r = state.apply(record(i, 'apply'))
      if (!r.ok) throw r.error
    }),
  )
  const memory = new MemoryRegistryLog()
  const memoryState = new RegistryState()
  await memory.start((r) => memoryState.apply(r))
  out.set(REGISTER_STEPS.memoryAppend, await timeAsync(ops, (i) => memory.append(record(i, 'memory'))))
  await memory.close()

  const dir = await mkdtemp(join(os.tmpdir(), 'kafkit-bench-profile-'))
  try {
    // fsync is slow and machine-bound: fewer operations suffice.
    const fsyncOps = Math.max(20, Math.min(ops, 300))
    const handle = await open(join(dir, 'raw.log'), 'a')
    const line = `${JSON.stringify(record(0, 'raw'))}\n`
    out.set(
      REGISTER_STEPS.fsync,
      await timeAsync(fsyncOps, async () => {
        await handle.write(line)
        await handle.datasync()
      }),
    )
    await handle.close()
    const fileState = new RegistryState()
    const file = new FileRegistryLog(join(dir, 'store'))
    await file.start((r) => fileState.apply(r))
    out.set(REGISTER_STEPS.fileAppend, await timeAsync(fsyncOps, (i) => file.append(record(i, 'file'))))
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < fsyncOps) await file.append(record(next++, 'concurrent'))
      }),
    )
    out.set(REGISTER_STEPS.fileAppendConcurrent, ((performance.now() - t0) * 1000) / fsyncOps)
    await file.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return out
}
