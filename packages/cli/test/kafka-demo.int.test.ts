import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, inject, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/kafkit.js', import.meta.url))

describe('kafkit demo (real binary)', () => {
  it('runs a real round trip against KAFKA_BROKERS and exits 0', async () => {
    const brokers = inject('kafkaBrokers').join(',')
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) =>
        execFile(
          process.execPath,
          [bin, 'demo'],
          { env: { ...process.env, KAFKA_BROKERS: brokers }, timeout: 240_000 },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
    )
    expect(code, stderr).toBe(0)
    expect(stdout).toContain(brokers)
  })
})
