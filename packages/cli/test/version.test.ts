import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/kafkit.js', import.meta.url))
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

const kafkit = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [bin, ...args], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  )

describe('kafkit --version', () => {
  it('prints the version of the package it runs from', async () => {
    expect((await kafkit(['--version'])).trim()).toBe(pkg.version)
  }, 60_000)
})
