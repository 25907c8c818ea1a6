import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin/kafkit.js', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function kafkit(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env, timeout: 360_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
    child.stdin?.end(input ?? '')
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

  it('rejects a --config that is not key=value, or that would change the cluster layout, before starting', async () => {
    const noValue = await kafkit(['kafka', 'up', '--config', 'auto.create.topics.enable'], env)
    expect(noValue.code).not.toBe(0)
    expect(noValue.stderr).toContain('expected key=value')
    const layout = await kafkit(
      ['kafka', 'up', '--base-port', 'auto', '--config', 'listeners=PLAINTEXT://:1'],
      env,
    )
    expect(layout.code).toBe(1)
    expect(layout.stderr).toContain('KAFKIT_INVALID_OPTIONS')
    expect(layout.stderr).toContain('config.listeners: is set by kafkit from nodes, basePort and dataDir')
  })

  it("up runs Kafka's defaults (produce creates a new topic) and --config overrides broker settings", async () => {
    const up = await kafkit(
      [
        'kafka',
        'up',
        '--base-port',
        'auto',
        '--config',
        'num.partitions=4',
        '--config',
        'log.retention.ms=12345678',
      ],
      env,
    )
    expect(up.code, up.stderr).toBe(0)
    dataDir = /data dir (\S+)\)/.exec(up.stdout)?.[1]
    const brokers = /bootstrap servers: (\S+)/.exec(up.stdout)?.[1] ?? ''
    expect(brokers).toMatch(/^127\.0\.0\.1:\d+$/)
    const admin = new Kafka({
      clientId: 'kafka-int-test',
      brokers: [brokers],
      logLevel: logLevel.NOTHING,
    }).admin()
    try {
      await admin.connect()
      // The CLI as a newcomer uses it: a topic nobody created.
      const topic = `auto-created-${randomUUID().slice(0, 8)}`
      expect(await admin.listTopics()).not.toContain(topic)
      const produce = await kafkit(
        ['produce', topic, '--brokers', brokers],
        env,
        '{"key":"k","value":"hello"}\n',
      )
      expect(produce.code, produce.stderr).toBe(0)
      expect(produce.stderr).toContain(`sent 1 record(s) to ${topic}`)
      expect(await admin.listTopics()).toContain(topic)
      // Created with the overridden num.partitions, and the record is in the log.
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      expect(meta.topics[0]?.partitions).toHaveLength(4)
      const offsets = await admin.fetchTopicOffsets(topic)
      expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(1)
      // The broker reports what --config set; what it did not set keeps Kafka's default.
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.BROKER,
            name: '1',
            configNames: ['log.retention.ms', 'num.partitions', 'auto.create.topics.enable'],
          },
        ],
      })
      const entries = Object.fromEntries(
        (described.resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue]),
      )
      expect(entries).toEqual({
        'log.retention.ms': '12345678',
        'num.partitions': '4',
        'auto.create.topics.enable': 'true',
      })
    } finally {
      await admin.disconnect()
      const down = await kafkit(['kafka', 'down'], env)
      expect(down.code, down.stderr).toBe(0)
    }
  }, 600_000)

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
