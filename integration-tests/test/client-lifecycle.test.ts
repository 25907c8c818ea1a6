import { fileURLToPath } from 'node:url'
import {
  createGroupConsumer,
  createProducer,
  createTopicAdmin,
  type Logger,
  openHandles,
} from '@kafkit/client'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import { deleteTopics, suffix, waitFor } from '../fault/kafka-tools'
import { type ServiceProcess, spawnService } from '../fault/service-process'

const service = fileURLToPath(new URL('../fixtures/lifecycle/service.ts', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

function startService(env: Record<string, string>): ServiceProcess {
  return spawnService(process.execPath, ['--conditions=source', '--import', 'tsx', service], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  })
}

const capture = (): Logger & { warnings: string[] } => {
  const warnings: string[] = []
  return { warnings, debug() {}, info() {}, warn: (_, m) => void warnings.push(m ?? ''), error() {} }
}

describe('lifecycle: nothing Kafkit creates keeps the process alive', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const created: string[] = []
  const children: ServiceProcess[] = []

  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL')
    await deleteTopics(brokers, created)
  })

  it('ensureTopics() closes the connection it opened; keepConnected keeps it until disconnect()', async () => {
    const name = `lifecycle-admin-${s}`
    created.push(name)
    const admin = createTopicAdmin({
      brokers,
      clientId: `admin-${s}`,
      topics: [{ topic: name, partitions: 1 }],
    })
    await admin.ensureTopics()
    expect(openHandles()).toEqual([])
    await admin.ensureTopics({ keepConnected: true })
    expect(openHandles()).toEqual([`TopicAdmin (clientId 'admin-${s}')`])
    await admin.ensureTopics()
    expect(openHandles()).toEqual([`TopicAdmin (clientId 'admin-${s}')`])
    await admin.disconnect()
    expect(openHandles()).toEqual([])
  })

  it('kafkajs never arms a negative timer (Node 24+ TimeoutNegativeWarning, kafkajs #1751)', async () => {
    const name = `lifecycle-timers-${s}`
    created.push(name)
    const negative: number[] = []
    const original = globalThis.setTimeout
    globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => {
      if (typeof ms === 'number' && ms < 0) negative.push(ms)
      return Reflect.apply(original, globalThis, [fn, ms, ...args])
    }) as typeof setTimeout
    try {
      const t = topic(name, stringKey, stringKey)
      await createTopicAdmin({ brokers, topics: [{ topic: t, partitions: 1 }] }).ensureTopics()
      const producer = createProducer({ brokers, topics: [t] })
      for (let i = 0; i < 5; i++) await producer.send(t, { key: 'k', value: `v${i}` })
      await producer.disconnect()
    } finally {
      globalThis.setTimeout = original
    }
    expect(negative).toEqual([])
  })

  it('a drain names the Kafkit handles still open in its report', async () => {
    const name = `lifecycle-handles-${s}`
    created.push(name)
    const t = topic(name, stringKey, stringKey)
    await createTopicAdmin({ brokers, topics: [{ topic: t, partitions: 1 }] }).ensureTopics()
    const producer = createProducer({ brokers, clientId: `forgotten-${s}`, topics: [t] })
    await producer.send(t, { key: 'k', value: 'v' })
    const logger = capture()
    const consumer = createGroupConsumer({
      brokers,
      groupId: `g-lifecycle-${s}`,
      topics: [t],
      fromBeginning: true,
      deadLetter: false,
      logger,
    })
    let seen = 0
    await consumer.run({
      eachMessage: async () => {
        seen++
      },
    })
    await waitFor(
      () => seen === 1,
      60_000,
      () => `handled ${seen}`,
    )
    expect(openHandles()).toContain(`GroupConsumer (group 'g-lifecycle-${s}')`)
    const report = await consumer.stop()
    expect(report.openHandles).toEqual([`Producer (clientId 'forgotten-${s}')`])
    // stop() from code: the app may go on using its producer, so no warning.
    expect(logger.warnings).toEqual([])
    await producer.disconnect()
    expect(openHandles()).toEqual([])
  })

  it('a service that drains on SIGTERM exits 0 by itself (ensureTopics without disconnect)', async () => {
    const name = `lifecycle-service-${s}`
    created.push(name)
    const child = startService({ BROKERS: brokers.join(','), TOPIC: name, GROUP: `g-svc-${s}`, COUNT: '20' })
    children.push(child)
    await waitFor(
      () => child.out().includes('processed 20\n'),
      90_000,
      () => `stdout: ${child.out()} stderr: ${child.err()}`,
    )
    child.proc.kill('SIGTERM')
    expect(await child.exit(20_000)).toBe(0)
    const drained = child.out().match(/^drained (.*)$/m)?.[1]
    expect(JSON.parse(drained ?? 'null')).toMatchObject({ clean: true, openHandles: [] })
  })

  it('after a SIGTERM drain, a handle left open is named in a warning (and keeps the process alive)', async () => {
    const name = `lifecycle-open-${s}`
    created.push(name)
    const child = startService({
      BROKERS: brokers.join(','),
      TOPIC: name,
      GROUP: `g-open-${s}`,
      COUNT: '3',
      KEEP_PRODUCER: '1',
    })
    children.push(child)
    await waitFor(
      () => child.out().includes('processed 3\n'),
      90_000,
      () => `stdout: ${child.out()} stderr: ${child.err()}`,
    )
    child.proc.kill('SIGTERM')
    await waitFor(
      () => child.err().includes('still open'),
      20_000,
      () => `stderr: ${child.err()}`,
    )
    expect(child.err()).toContain(
      "1 Kafkit handle(s) are still open and keep the process alive: Producer (clientId 'lifecycle-producer')",
    )
    expect(child.proc.exitCode).toBe(null)
    child.proc.kill('SIGKILL')
  })

  it('with handleSignals, a second SIGTERM during a drain exits at once with 143', async () => {
    const name = `lifecycle-hang-${s}`
    created.push(name)
    const child = startService({
      BROKERS: brokers.join(','),
      TOPIC: name,
      GROUP: `g-hang-${s}`,
      COUNT: '3',
      HANG: '1',
    })
    children.push(child)
    await waitFor(
      () => child.out().includes('started\n'),
      90_000,
      () => `stdout: ${child.out()} stderr: ${child.err()}`,
    )
    child.proc.kill('SIGTERM')
    await waitFor(
      () => child.err().includes('draining'),
      20_000,
      () => `stderr: ${child.err()}`,
    )
    child.proc.kill('SIGTERM')
    // The drain deadline is 60 s: only the forced exit ends it this early.
    expect(await child.exit(20_000)).toBe(143)
    expect(child.err()).toContain('SIGTERM again during the drain')
  })
})
