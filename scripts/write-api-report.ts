import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderApiReports, repoRoot } from './api-report'

for (const [file, text] of renderApiReports()) {
  writeFileSync(join(repoRoot, file), text)
  process.stdout.write(`wrote ${file}\n`)
}
