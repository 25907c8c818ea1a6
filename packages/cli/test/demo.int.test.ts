import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import kafkajs from 'kafkajs'
import { describe, expect, inject, it } from 'vitest'
import { runDemoCodegen } from '../src/demo/codegen'

const bin = fileURLToPath(new URL('../bin/kafkit.js', import.meta.url))
const committed = fileURLToPath(new URL('../src/demo/generated', import.meta.url))

interface Run {
  code: number
  stdout: string
  stderr: string
}

function kafkit(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

describe('kafkit demo (real binary)', () => {
  const brokers = inject('kafkaBrokers')
  // No registry configured: the demo serves its own, as on a fresh machine.
  const { KAFKIT_REGISTRY_URL: _r, ...baseEnv } = process.env

  it('runs every step against the broker in KAFKA_BROKERS and exits 0 with the summary', async () => {
    const r = await kafkit(['demo', '--events', '12'], { ...baseEnv, KAFKA_BROKERS: brokers.join(',') })
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0)
    expect(r.stdout).toContain(`using the cluster at ${brokers.join(',')}`)
    for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(r.stdout).toContain(`[${n}/7]`)
    // Each step's evidence, as the user sees it.
    expect(r.stdout).toMatch(/produced 12 records \(value schema id \d+/)
    expect(r.stdout).toContain('consumed 12/12')
    expect(r.stdout).toContain('KAFKIT_CLIENT_SCHEMA_REFUSED')
    expect(r.stdout).toMatch(/- TYPE_MISMATCH: The type .* does not match/)
    expect(r.stdout).toMatch(/- READER_FIELD_MISSING_DEFAULT_VALUE: The field 'currency'/)
    expect(r.stdout).toContain('(`kafkit registry check`): INCOMPATIBLE')
    expect(r.stdout).toMatch(/sent it to demo-orders-[0-9a-f]{8}-dlt \(poison pills: 1\)/)
    expect(r.stdout).toMatch(
      /-dlt holds it byte for byte \(\{"oops": "not avro"\}\), with headers error-code=KAFKIT_CLIENT_DECODE_FAILED stage=value/,
    )
    // Summary block.
    const summary = r.stdout.slice(r.stdout.indexOf('Summary'))
    expect(summary).toContain(`Kafka            used ${brokers.join(',')}`)
    expect(summary).toContain('registry         served on an embedded file store, now stopped')
    expect(summary).toMatch(/typed events {5}14 produced, 14 consumed by group kafkit-demo-[0-9a-f]{8}/)
    expect(summary).toContain('refused by the publish guard (2 incompatibilities)')
    expect(summary).toMatch(/poison message {3}1 routed to demo-orders-[0-9a-f]{8}-dlt/)
    expect(summary).toContain('lag              12 -> 0')
    expect(summary).toContain('Demo complete.')
    expect(r.stderr).toBe('')
  })

  it('rejects bad flags with a clear message and exit 1, starting nothing', async () => {
    const events = await kafkit(['demo', '--events', 'lots'], {
      ...baseEnv,
      KAFKA_BROKERS: brokers.join(','),
    })
    expect(events.code).toBe(1)
    expect(events.stderr).toContain('KAFKIT_INVALID_OPTIONS: --events lots: expected a whole number')
    const broker = await kafkit(['demo', '--brokers', 'localhost'], baseEnv)
    expect(broker.code).toBe(1)
    expect(broker.stderr).toContain("broker 'localhost': expected host:port")
    const registry = await kafkit(['demo', '--registry', 'not a url'], {
      ...baseEnv,
      KAFKA_BROKERS: brokers.join(','),
    })
    expect(registry.code).toBe(1)
    expect(registry.stderr).toContain('expected a URL')
    expect(events.stdout + broker.stdout + registry.stdout).not.toContain('[1/7]')
  })

  it('without Java it says what to install, exit 1, and leaves no scratch folder behind', async () => {
    const { JAVA_HOME: _j, KAFKA_BROKERS: _k, ...rest } = baseEnv
    const tmp = await mkdtemp(join(tmpdir(), 'kafkit-demo-nojava-'))
    try {
      const r = await kafkit(['demo'], { ...rest, PATH: '/nonexistent', TMPDIR: tmp })
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('starting a 1-node Kafka')
      expect(r.stderr).toContain('KAFKIT_KAFKA_LOCAL_JAVA_NOT_FOUND')
      expect(r.stderr).toMatch(/install a JDK 17/)
      // (tsx keeps its compile cache there too; only the demo's own folder matters)
      expect((await readdir(tmp)).filter((f) => f.startsWith('kafkit-demo-'))).toEqual([])
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  })

  it('Ctrl-C mid-run stops the demo and removes the topics it created', async () => {
    const child = spawn(process.execPath, [bin, 'demo'], {
      env: { ...baseEnv, KAFKA_BROKERS: brokers.join(',') },
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d) => {
        stdout += d
        // Interrupt once the topics exist and the group is consuming.
        if (/\[4\/7\][\s\S]*lag of/.test(stdout)) resolve()
      })
      void exited.then(() => resolve())
    })
    child.kill('SIGINT')
    expect(await exited).toBe(1)
    expect(stdout).toContain('interrupted: stopping what the demo started...')
    expect(stderr).toContain('kafkit: demo interrupted')
    expect(stdout).not.toContain('Demo complete.')
    const topic = stdout.match(/-> (demo-orders-[0-9a-f]{8}) ->/)?.[1]
    expect(topic).toBeDefined()
    const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const left = (await admin.listTopics()).filter((t) => t.startsWith(topic!))
      expect(left).toEqual([])
    } finally {
      await admin.disconnect()
    }
  })

  it('the typed code the demo imports is exactly what its codegen step generates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kafkit-demo-gen-'))
    try {
      const result = await runDemoCodegen(dir)
      expect(result.files.map((f) => f.path).sort()).toEqual((await readdir(committed)).sort())
      for (const file of result.files) {
        // Stale? Copy the files from the scratch folder into src/demo/generated.
        expect(await readFile(join(committed, file.path), 'utf8'), file.path).toBe(file.contents)
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
