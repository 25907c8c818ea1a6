// Summary of a vitest JSON report for .ci/run: counts, then every skipped or todo test by file and name.
// Exits 1 when any test was skipped or todo: in CI everything must run.
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const notRun = []
for (const file of report.testResults ?? []) {
  for (const test of file.assertionResults ?? []) {
    if (['pending', 'skipped', 'todo', 'disabled'].includes(test.status)) {
      notRun.push({
        file: relative(process.cwd(), file.name),
        name: test.fullName ?? test.title,
        status: test.status,
      })
    }
  }
}
const skipped = report.numPendingTests + report.numTodoTests
console.log(
  `vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed` +
    (skipped || notRun.length ? `, ${Math.max(skipped, notRun.length)} skipped or todo` : ''),
)
if (notRun.length > 0 || skipped > 0) {
  console.log('CI runs every test; these did not run:')
  for (const t of notRun) console.log(`  ${t.status === 'todo' ? 'todo' : 'skipped'}: ${t.file} > ${t.name}`)
  process.exit(1)
}
