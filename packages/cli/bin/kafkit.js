#!/usr/bin/env node
// Runs the built CLI when it exists (installed package); inside the monorepo it runs the
// TypeScript sources directly, resolving @kafkit/* packages to their `source` export condition.
import { existsSync } from 'node:fs'
import { register } from 'node:module'
import { unsupportedNode } from './node-check.js'

const refusal = unsupportedNode(process.versions.node)
if (refusal) {
  process.stderr.write(`${refusal}\n`)
  process.exit(1)
}

const built = new URL('../dist/main.js', import.meta.url)
if (existsSync(built)) {
  await import(built.href)
} else {
  // Node 26 deprecates module.register() (DEP0205), which tsx and this loader still use: the warning
  // is about our dev-time loader, not the user's command, so it is not printed.
  const emitWarning = process.emitWarning
  process.emitWarning = (warning, ...rest) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? rest[0].code : rest[1]
    if (code === 'DEP0205') return
    return emitWarning.call(process, warning, ...rest)
  }
  const { register: registerTsx } = await import('tsx/esm/api')
  registerTsx()
  register('./source-condition.js', import.meta.url)
  await import(new URL('../src/main.ts', import.meta.url).href)
}
