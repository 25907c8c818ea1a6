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

describe('kafkit on an unsupported Node', () => {
  it('names the supported lines and what to do, instead of failing while loading', async () => {
    const { unsupportedNode } = (await import(new URL('../bin/node-check.js', import.meta.url).href)) as {
      unsupportedNode: (version: string) => string | undefined
    }
    for (const ok of ['22.22.0', '22.30.1', '24.6.0', '24.11.0', '25.0.0', '26.1.0'])
      expect(unsupportedNode(ok), ok).toBeUndefined()
    for (const old of ['18.20.4', '20.20.2', '22.21.9', '23.11.0', '24.5.0']) {
      const message = unsupportedNode(old)
      expect(message, old).toContain(`Node ${old} is not supported`)
      expect(message).toContain('^22.22.0 || >=24.6.0')
      expect(message).toContain('npx -p node@24 -- kafkit')
    }
    // The supported range is the one the package declares.
    expect(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node).toBe(
      '^22.22.0 || >=24.6.0',
    )
  })
})
