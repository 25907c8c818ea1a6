import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('../../scripts/with-node.mjs', import.meta.url))
const major = process.versions.node.split('.')[0] as string

function run(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

/** The launcher behind `npm test` / `npm run demo`: runs the command as is on the Node it wants. */
describe('scripts/with-node.mjs', () => {
  it('runs the command on the current Node when it is the wanted line, passing arguments and the exit code', async () => {
    const ok = await run(
      ['node', '-e', 'console.log(process.version, process.argv[1]); process.exit(3)', 'x y'],
      {
        KAFKIT_NODE_VERSION: major,
      },
    )
    expect(ok.code).toBe(3)
    expect(ok.stdout.trim()).toBe(`${process.version} x y`)
    expect(ok.stderr).toBe('')
  })

  it('says what it needs when switching did not help, instead of looping', async () => {
    const other = major === '24' ? '26' : '24'
    const r = await run(['node', '-v'], { KAFKIT_NODE_VERSION: other, KAFKIT_NODE_REEXEC: '1' })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`still on Node ${process.versions.node} after switching; need ${other}`)
  })

  it('explains its usage without a command', async () => {
    const r = await run([], {})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('usage: node scripts/with-node.mjs <command>')
  })
})
