import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { mergeResults } from './merge'
import { renderTextReport } from './report'
import { paths, readResults, writeDocs } from './write-report'

// `npm run bench:report [results.json]`: redraws docs/benchmarks.md and the SVG from a results file.
// `npm run bench:report -- --merge latest.json`: first replaces, in the committed results, the sections
// of the suites that latest.json ran (its "suites" setting), as `npm run bench -- --merge` does.
try {
  const { values, positionals } = parseArgs({
    options: { merge: { type: 'string' } },
    allowPositionals: true,
  })
  const file = positionals[0] ? resolve(positionals[0]) : paths.committed
  let results = await readResults(file)
  if (values.merge) {
    const partial = await readResults(resolve(values.merge))
    if (partial.mode !== 'full')
      throw new Error(`${values.merge} is a ${partial.mode} run; only full runs are merged`)
    const suites = partial.settings.find((s) => s.name === 'suites')?.value.split(', ') ?? []
    if (suites.length === 0) throw new Error(`${values.merge} does not say which suites it ran`)
    results = mergeResults(results, partial, suites)
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`)
    process.stdout.write(`merged the ${suites.join(', ')} sections of ${values.merge} into ${file}\n`)
  }
  const written = await writeDocs(results)
  process.stdout.write(renderTextReport(results))
  process.stdout.write(`\nwrote ${written.join(', ')} from ${file}\n`)
} catch (error) {
  process.stderr.write(`bench:report: ${(error as Error).message}\n`)
  process.exitCode = 1
}
