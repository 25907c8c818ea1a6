import { execFile } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const index = fileURLToPath(new URL('../src/index.ts', import.meta.url))

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('brokers started without detached', () => {
  it('die with the process that started them, even when it exits without stop()', async () => {
    const script = join(tmpdir(), `kafkit-exit-${process.pid}-${Date.now()}.mts`)
    await writeFile(
      script,
      `import { findFreeBasePort, startKafka } from ${JSON.stringify(index)}
const c = await startKafka({ nodes: 1, basePort: await findFreeBasePort(1) })
console.log(JSON.stringify({ pids: c.nodes().map((n) => n.pid), dataDir: c.dataDir }))
process.exit(0)
`,
    )
    try {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', script],
          { timeout: 180_000 },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        ),
      )
      const { pids, dataDir } = JSON.parse(stdout.trim().split('\n').pop()!) as {
        pids: number[]
        dataDir: string
      }
      expect(pids).toHaveLength(1)
      // SIGKILL was sent synchronously on exit; give the kernel a moment to reap (bounded).
      for (let i = 0; i < 100 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 50))
      expect(pids.filter(isAlive)).toEqual([])
      await rm(dataDir, { recursive: true, force: true })
    } finally {
      await rm(script, { force: true })
    }
  })
})
