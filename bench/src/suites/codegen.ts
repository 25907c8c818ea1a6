import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generate } from '@kafkit/codegen'
import type { Progress } from '../progress'

export interface CodegenSettings {
  readonly runs: number
  readonly schemas: number
}

/**
 * Schema `i` of the synthetic corpus: one file per schema, spread over 25 namespaces, each record with
 * the field shapes of real event schemas (logical types, enum, nested record, array, map, nullable
 * union with default), and every tenth one referring to the previous schema by full name.
 */
export function syntheticSchema(i: number): { file: string; schema: object } {
  const namespace = `dev.kafkit.bench.gen.ns${i % 25}`
  const fields: object[] = [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'count', type: 'int' },
    { name: 'ratio', type: 'double' },
    { name: 'active', type: 'boolean', default: true },
    {
      name: 'status',
      type: { type: 'enum', name: `Status${i}`, symbols: ['NEW', 'OPEN', 'CLOSED'], default: 'NEW' },
    },
    {
      name: 'address',
      type: {
        type: 'record',
        name: `Address${i}`,
        fields: [
          { name: 'street', type: 'string' },
          { name: 'zip', type: ['null', 'string'], default: null },
        ],
      },
    },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'labels', type: { type: 'map', values: 'long' } },
    { name: 'note', type: ['null', 'string'], default: null, doc: `Free text of record ${i}.` },
  ]
  if (i % 10 === 9) {
    fields.push({
      name: 'previous',
      type: ['null', `dev.kafkit.bench.gen.ns${(i - 1) % 25}.Event${i - 1}`],
      default: null,
    })
  }
  return {
    file: `${String(i).padStart(4, '0')}-event${i}.avsc`,
    schema: { type: 'record', name: `Event${i}`, namespace, fields },
  }
}

/** Time for `generate()` over `schemas` schema files (read, parse, emit, all in memory). */
export async function codegenSuite(s: CodegenSettings, progress: Progress): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-bench-codegen-'))
  try {
    for (let i = 0; i < s.schemas; i++) {
      const { file, schema } = syntheticSchema(i)
      await writeFile(join(dir, file), JSON.stringify(schema, null, 2))
    }
    // One untimed pass: module loading and JIT warm-up are not what is measured.
    const warm = await generate({ schemas: dir })
    progress.step(
      `codegen: ${warm.types.length} named types, ${warm.files.length} files from ${s.schemas} schemas`,
    )
    const times: number[] = []
    for (let r = 0; r < s.runs; r++) {
      const t0 = performance.now()
      await generate({ schemas: dir })
      const ms = performance.now() - t0
      times.push(ms)
      progress.step(`codegen run ${r + 1}/${s.runs}: ${ms.toFixed(0)} ms`)
    }
    return times
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
