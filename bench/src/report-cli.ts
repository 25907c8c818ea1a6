import { resolve } from 'node:path'
import { renderTextReport } from './report'
import { paths, readResults, writeDocs } from './write-report'

// `npm run bench:report [results.json]`: redraws docs/benchmarks.md and the SVG from a results file.
try {
  const file = process.argv[2] ? resolve(process.argv[2]) : paths.committed
  const results = await readResults(file)
  const written = await writeDocs(results)
  process.stdout.write(renderTextReport(results))
  process.stdout.write(`\nwrote ${written.join(', ')} from ${file}\n`)
} catch (error) {
  process.stderr.write(`bench:report: ${(error as Error).message}\n`)
  process.exitCode = 1
}
