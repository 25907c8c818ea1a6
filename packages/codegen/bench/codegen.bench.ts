import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generate } from '@kafkit/codegen'

export interface CodegenBenchOptions {
  /** Number of distinct schema files (default 1,000). */
  readonly count?: number
  /** Timed runs after one untimed warm-up run (default 3). */
  readonly runs?: number
}

export interface CodegenBenchResult {
  readonly count: number
  readonly types: number
  readonly files: number
  readonly outputBytes: number
  /** Milliseconds of each timed `generate()` run. */
  readonly runsMs: readonly number[]
  readonly medianMs: number
}

/**
 * Schema `i`: a record in one of 20 namespaces with every common shape (logical types, enum, nested
 * record, array, map, nullable union with default, wrapped union), every fifth one referring to an
 * earlier schema of another file by full name.
 */
function schema(i: number): object {
  const ns = `bench.codegen.ns${i % 20}`
  const fields: object[] = [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' }, default: 0 },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
    { name: 'qty', type: 'int', default: 1 },
    { name: 'kind', type: { type: 'enum', name: `Kind${i}`, symbols: ['A', 'B', 'C'] } },
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
    { name: 'attrs', type: { type: 'map', values: 'long' } },
    { name: 'note', type: ['null', 'string'], default: null, doc: `Note of record ${i}.` },
    {
      name: 'payment',
      type: [
        { type: 'record', name: `Card${i}`, fields: [{ name: 'last4', type: 'string' }] },
        { type: 'record', name: `Cash${i}`, fields: [{ name: 'amount', type: 'double' }] },
      ],
    },
  ]
  if (i % 5 === 4)
    fields.push({
      name: 'previous',
      type: ['null', `bench.codegen.ns${(i - 1) % 20}.Event${i - 1}`],
      default: null,
    })
  return { type: 'record', name: `Event${i}`, namespace: ns, fields }
}

/** Writes `count` distinct schemas to a temp folder and times `generate()` over them (in memory, nothing written). */
export async function runCodegenBench(options: CodegenBenchOptions = {}): Promise<CodegenBenchResult> {
  const count = options.count ?? 1000
  const runs = options.runs ?? 3
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-codegen-bench-'))
  try {
    for (let i = 0; i < count; i++) {
      await writeFile(join(dir, `event-${String(i).padStart(5, '0')}.avsc`), JSON.stringify(schema(i)))
    }
    const warm = await generate({ schemas: dir })
    const runsMs: number[] = []
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now()
      await generate({ schemas: dir })
      runsMs.push(performance.now() - t0)
    }
    const sorted = [...runsMs].sort((a, b) => a - b)
    return {
      count,
      types: warm.types.length,
      files: warm.files.length,
      outputBytes: warm.files.reduce((n, f) => n + f.contents.length, 0),
      runsMs,
      medianMs: sorted[Math.floor(sorted.length / 2)]!,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// `npx tsx --conditions=source packages/codegen/bench/codegen.bench.ts [count]` prints one result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runCodegenBench({ count: Number(process.argv[2] ?? 1000) })
  console.log(JSON.stringify({ ...result, runsMs: result.runsMs.map((ms) => Math.round(ms)) }))
}
