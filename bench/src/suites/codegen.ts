// The codegen package owns its benchmark corpus and timing loop; the suite reports it with the rest.
import { runCodegenBench } from '../../../packages/codegen/bench/codegen.bench'
import type { Progress } from '../progress'

export interface CodegenSettings {
  readonly runs: number
  readonly schemas: number
}

/**
 * Time for `generate()` over `schemas` schema files (read, parse, emit, in memory), with the corpus
 * and loop from packages/codegen/bench (one untimed warm-up, then `runs` timed runs).
 */
export async function codegenSuite(s: CodegenSettings, progress: Progress): Promise<number[]> {
  progress.step(`codegen: ${s.schemas} schema files, 1 warm-up + ${s.runs} timed runs of generate() ...`)
  const result = await runCodegenBench({ count: s.schemas, runs: s.runs })
  progress.step(
    `codegen: ${result.types} named types, ${result.files} files, ${Math.round(result.outputBytes / 1024)} KiB; runs ${result.runsMs
      .map((ms) => `${Math.round(ms)} ms`)
      .join(', ')}`,
  )
  return [...result.runsMs]
}
