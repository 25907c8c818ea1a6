// Checks what `npm run build` produced the way a user's project would load it: every package through
// require() (CJS) and import() (ESM), each with its type declarations, and the kafkit binary from dist/.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const packages = ['common', 'kafka-local', 'registry-client', 'registry', 'codegen', 'client', 'cli']
let failed = 0
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(new URL(`../packages/${dir}/package.json`, import.meta.url), 'utf8'))
  // Every entry point of the exports map (the root and each subpath), as a user's import names it.
  for (const [subpath, target] of Object.entries(pkg.exports ?? { '.': {} })) {
    if (typeof target === 'string') continue
    const name = subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`
    const problems = []
    for (const cond of ['import', 'require']) {
      for (const key of ['types', 'default']) {
        const file = target[cond]?.[key]
        if (file && !existsSync(new URL(`../packages/${dir}/${file}`, import.meta.url)))
          problems.push(`missing ${file}`)
      }
    }
    const cjs = Object.keys(require(name))
    const esm = Object.keys(await import(name))
    if (cjs.length === 0) problems.push('require() exports nothing')
    if (esm.length === 0) problems.push('import() exports nothing')
    if (cjs.length !== esm.length)
      problems.push(`require() gives ${cjs.length} names, import() ${esm.length}`)
    console.log(
      `${problems.length ? 'FAIL' : 'ok  '} ${name}: ${esm.length} exports${problems.length ? ` (${problems.join(', ')})` : ''}`,
    )
    failed += problems.length
  }
}
// import.meta.url in the CommonJS build (tsup shims): loading a TypeScript config needs it.
for (const [how, codegen] of [
  ['require()', require('@kafkit/codegen')],
  ['import()', await import('@kafkit/codegen')],
]) {
  const config = new URL('../packages/codegen/test/fixtures/project/kafkit.config.ts', import.meta.url)
  try {
    const { files } = await codegen.generate({ config: config.pathname })
    console.log(`ok   @kafkit/codegen through ${how}: generate() from a .ts config, ${files.length} files`)
  } catch (error) {
    console.log(`FAIL @kafkit/codegen through ${how}: generate() from a .ts config: ${error.message}`)
    failed++
  }
}
const bin = new URL('../packages/cli/bin/kafkit.js', import.meta.url)
const version = execFileSync(process.execPath, [bin.pathname, '--version'], { encoding: 'utf8' }).trim()
console.log(`ok   kafkit --version from dist: ${version}`)
if (failed) process.exit(1)
