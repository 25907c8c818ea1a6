import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/kafkit.js', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function kafkit(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: 360_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/** pids of every kafka.Kafka JVM whose command line mentions `dir` (Linux /proc). */
function javaProcessesUnder(dir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmd.includes('kafka.Kafka') && cmd.includes(dir)) pids.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  return pids
}

// The real binary, as a user runs it: up (detached JVMs outlive the CLI) -> status -> down.
describe('kafkit kafka (real binary)', () => {
  let runDir: string
  let env: NodeJS.ProcessEnv
  let dataDir: string | undefined

  beforeAll(async () => {
    // Own pointer dir, so a developer's `kafkit kafka up` is never touched; the jar cache stays shared.
    runDir = await mkdtemp(join(tmpdir(), 'kafkit-cli-run-'))
    env = { ...process.env, KAFKIT_RUN_DIR: runDir }
  })
  afterAll(async () => {
    // Only if the test failed half-way: stop what it started.
    if (dataDir && existsSync(dataDir)) await kafkit(['kafka', 'down', '--data-dir', dataDir], env)
    await rm(runDir, { recursive: true, force: true })
  })

  it('rejects a node count other than 1 or 3 with a clear message', async () => {
    const r = await kafkit(['kafka', 'up', '--nodes', '2'], env)
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('must be 1 or 3')
  })

  it('says what to install when java is missing', async () => {
    const { JAVA_HOME: _j, ...rest } = env
    const r = await kafkit(['kafka', 'up', '--base-port', '19500'], { ...rest, PATH: '/nonexistent' })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('KAFKIT_KAFKA_LOCAL_JAVA_NOT_FOUND')
    expect(r.stderr).toMatch(/install a JDK 17/)
  })

  it('Ctrl-C during up stops the JVMs started so far and says so', async () => {
    const child = spawn(process.execPath, [bin, 'kafka', 'up', '--base-port', 'auto'], { env })
    let stderr = ''
    const pid = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString()
        const m = /Started node 1 \(pid (\d+)\)/.exec(stderr)
        if (m) resolve(Number(m[1]))
      })
      child.on('exit', () => reject(new Error(`up exited before starting a node:\n${stderr}`)))
    })
    child.kill('SIGINT')
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(code).toBe(1)
    expect(stderr).toContain('KAFKIT_KAFKA_LOCAL_START_ABORTED')
    expect(() => process.kill(pid, 0)).toThrow()
    const status = await kafkit(['kafka', 'status'], env)
    expect(status.stderr).toContain('KAFKIT_KAFKA_LOCAL_NOT_RUNNING') // nothing was remembered
  }, 300_000)

  it('up --nodes 3, status lists 3 live brokers, down leaves no broker process behind', async () => {
    const up = await kafkit(['kafka', 'up', '--nodes', '3', '--base-port', 'auto'], env)
    expect(up.stderr).toContain('Waiting for brokers')
    expect(up.code, up.stderr).toBe(0)
    const basePort = Number(/bootstrap servers: 127\.0\.0\.1:(\d+),/.exec(up.stdout)?.[1])
    const servers = [0, 1, 2].map((i) => `127.0.0.1:${basePort + i}`).join(',')
    expect(up.stdout).toContain(`bootstrap servers: ${servers}`)
    expect(up.stdout).toMatch(/is up in \d+(\.\d+)?s/)
    dataDir = /data dir (\S+)\)/.exec(up.stdout)?.[1]
    expect(dataDir).toBeDefined()

    // The CLI has exited; the JVMs it started live on.
    const status = await kafkit(['kafka', 'status'], env)
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toContain('3 live brokers')
    const pids = [...status.stdout.matchAll(/pid (\d+)\s+live broker/g)].map((m) => Number(m[1]))
    expect(pids).toHaveLength(3)
    expect(javaProcessesUnder(dataDir!).sort()).toEqual([...pids].sort())

    const again = await kafkit(['kafka', 'up'], env)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('KAFKIT_KAFKA_LOCAL_ALREADY_RUNNING')

    const down = await kafkit(['kafka', 'down'], env)
    expect(down.code, down.stderr).toBe(0)
    expect(javaProcessesUnder(dataDir!)).toEqual([])
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
    expect(existsSync(dataDir!)).toBe(false) // the temp data dir `up` created is gone

    const after = await kafkit(['kafka', 'status'], env)
    expect(after.code).toBe(1)
    expect(after.stderr).toContain('KAFKIT_KAFKA_LOCAL_NOT_RUNNING')
  }, 600_000)
})
