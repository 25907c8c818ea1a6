#!/usr/bin/env node
// Runs the built CLI when it exists (installed package); inside the monorepo it runs the
// TypeScript sources directly, resolving @kafkit/* packages to their `source` export condition.
import { existsSync } from 'node:fs'
import { register } from 'node:module'

const built = new URL('../dist/main.js', import.meta.url)
if (existsSync(built)) {
  await import(built.href)
} else {
  const { register: registerTsx } = await import('tsx/esm/api')
  registerTsx()
  register('./source-condition.js', import.meta.url)
  await import(new URL('../src/main.ts', import.meta.url).href)
}
