// Checks what `npm run build` produced the way a user's project would load it: every package through
// require() (CJS) and import() (ESM), each with its type declarations, and the kafkit binary from dist/.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const packages = ['common', 'kafka-local', 'registry', 'codegen', 'client', 'cli']
let failed = 0
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(new URL(`../packages/${dir}/package.json`, import.meta.url), 'utf8'))
  const problems = []
  for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) {
    if (!existsSync(new URL(`../packages/${dir}/${file}`, import.meta.url))) problems.push(`missing ${file}`)
  }
  const cjs = Object.keys(require(pkg.name))
  const esm = Object.keys(await import(pkg.name))
  if (cjs.length === 0) problems.push('require() exports nothing')
  if (esm.length === 0) problems.push('import() exports nothing')
  console.log(
    `${problems.length ? 'FAIL' : 'ok  '} ${pkg.name}: ${esm.length} exports${problems.length ? ` (${problems.join(', ')})` : ''}`,
  )
  failed += problems.length
}
const bin = new URL('../packages/cli/bin/kafkit.js', import.meta.url)
const version = execFileSync(process.execPath, [bin.pathname, '--version'], { encoding: 'utf8' }).trim()
console.log(`ok   kafkit --version from dist: ${version}`)
if (failed) process.exit(1)
