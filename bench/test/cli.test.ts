import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const exec = promisify(execFile)
const bin = fileURLToPath(new URL('../../packages/cli/bin/kafkit.js', import.meta.url))

describe('kafkit bench (real binary)', () => {
  it('rejects an unknown suite before starting anything, naming the valid ones', async () => {
    const error = (await exec(process.execPath, [bin, 'bench', '--only', 'produce,warp'], {
      timeout: 60_000,
    }).catch((e: unknown) => e)) as { code?: number; stderr?: string }
    expect(error.code).toBe(2)
    expect(error.stderr).toContain("unknown suite 'warp'")
    expect(error.stderr).toContain('serde, codegen, registry, produce, consume, latency')
  }, 60_000)
})
