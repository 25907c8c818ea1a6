import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseResults, renderMarkdown, renderSvg } from './report'
import type { BenchResults } from './results'

/** The repository root (bench/src/ -> ../..). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export const paths = {
  latest: join(repoRoot, 'bench-results', 'latest.json'),
  committed: join(repoRoot, 'docs', 'benchmarks', 'results.json'),
  markdown: join(repoRoot, 'docs', 'benchmarks.md'),
  svg: join(repoRoot, 'docs', 'benchmarks', 'ratios.svg'),
}

export async function readResults(file: string): Promise<BenchResults> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message} (run \`npm run bench\` first)`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`)
  }
  return parseResults(json)
}

/** Writes docs/benchmarks.md and docs/benchmarks/ratios.svg from `results`. */
export async function writeDocs(results: BenchResults): Promise<string[]> {
  await mkdir(dirname(paths.svg), { recursive: true })
  await writeFile(paths.svg, renderSvg(results))
  await writeFile(
    paths.markdown,
    renderMarkdown(results, {
      chartPath: 'benchmarks/ratios.svg',
      resultsPath: 'docs/benchmarks/results.json',
    }),
  )
  return [paths.markdown, paths.svg]
}
