import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  createConsumer,
  createProducer,
  createTopicAdmin,
  ENGINE_NAMES,
  type EngineName,
  type SaslOptions,
  type TlsOptions,
} from '@kafkit/client'
import { type KafkaLocalCluster, startKafka } from '@kafkit/kafka-local'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTopics } from '../../packages/client/test/fixtures/descriptors'
import {
  collect,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

const bin = fileURLToPath(new URL('../../packages/cli/bin/kafkit.js', import.meta.url))

/** The real CLI binary, with extra environment variables and stdin. */
function kafkit(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

// One secured broker (kafka-local's opt-in SASL_PLAINTEXT, SSL and SASL_SSL listeners) for both
// engines: each engine is named explicitly, so this file runs once, not once per integration project.
describe('TLS and SASL against a real broker', () => {
  let cluster: KafkaLocalCluster
  let registry: TestRegistry
  const users = { alice: 'alice-Secret.1', bob: 'bob-Secret.2' }

  beforeAll(async () => {
    ;[cluster, registry] = await Promise.all([
      startKafka({ nodes: 1, basePort: 'auto', security: { users } }),
      startTestRegistry(),
    ])
  })
  afterAll(async () => {
    await Promise.all([cluster?.stop(), registry?.close()])
  })

  const sec = () => {
    const s = cluster.security
    if (!s) throw new Error('the cluster was started without security')
    return s
  }

  /** Creates a topic, sends one typed record and reads it back, all over the given connection. */
  async function roundTrip(
    engine: EngineName,
    brokers: string[],
    security: { tls?: TlsOptions; sasl?: SaslOptions },
  ): Promise<void> {
    const s = suffix()
    const t = makeTopics(s)
    const admin = createTopicAdmin({
      brokers,
      engine,
      ...security,
      topics: [{ topic: t.orders, partitions: 1 }],
    })
    await admin.ensureTopics()
    const producer = createProducer({
      brokers,
      engine,
      ...security,
      registry: registry.client,
      topics: [t.orders],
    })
    try {
      await producer.send(t.orders, { key: 'o-1', value: { id: 'o-1', amount: 12.5, customerId: 'c-1' } })
    } finally {
      await producer.disconnect()
    }
    const consumer = createConsumer({
      brokers,
      engine,
      ...security,
      registry: registry.client,
      groupId: `g-${s}-security`,
      topics: [t.orders],
      fromBeginning: true,
    })
    const [got] = await collect(consumer, 1)
    expect(got?.key).toBe('o-1')
    expect(got?.value).toEqual({ id: 'o-1', amount: 12.5, customerId: 'c-1', note: null })
    await admin.deleteTopics()
    await admin.disconnect()
  }

  describe.each(ENGINE_NAMES)('on the %s engine', (engine) => {
    it('produces and consumes a typed record over TLS (SSL listener, the cluster CA)', async () => {
      await roundTrip(engine, sec().ssl, { tls: { ca: sec().caPem } })
    })

    it('over SASL PLAIN (SASL_PLAINTEXT listener)', async () => {
      await roundTrip(engine, sec().saslPlaintext, {
        sasl: { mechanism: 'plain', username: 'alice', password: users.alice },
      })
    })

    it('over SCRAM-SHA-512 (SASL_PLAINTEXT) and SCRAM-SHA-256 inside TLS (SASL_SSL)', async () => {
      await roundTrip(engine, sec().saslPlaintext, {
        sasl: { mechanism: 'scram-sha-512', username: 'bob', password: users.bob },
      })
      await roundTrip(engine, sec().saslSsl, {
        tls: { ca: sec().caPem },
        sasl: { mechanism: 'scram-sha-256', username: 'alice', password: users.alice },
      })
    })

    it('refuses a wrong password with KAFKIT_CLIENT_AUTH_FAILED, saying nothing of the password', async () => {
      const wrong = 'not-Alice-password-42'
      for (const [mechanism, brokers] of [
        ['plain', sec().saslPlaintext],
        ['scram-sha-256', sec().saslPlaintext],
      ] as const) {
        // Every line the engine logs, with its fields.
        const logged: unknown[] = []
        const line = (fields: object, message?: string) => logged.push({ fields, message })
        const logger = { info: line, warn: line, error: line, debug: line }
        const producer = createProducer({
          brokers,
          engine,
          logger,
          sasl: { mechanism, username: 'alice', password: wrong },
        })
        const error = await producer.connect().then(
          () => undefined,
          (e: unknown) => e as { code: string; message: string; canRetry: boolean },
        )
        await producer.disconnect()
        expect(error?.code).toBe('KAFKIT_CLIENT_AUTH_FAILED')
        expect(error?.canRetry).toBe(false)
        expect(error?.message).toContain(`${mechanism.toUpperCase()} authentication for user 'alice'`)
        const everything = JSON.stringify([error, String(error), logged, producer.options])
        expect(everything).not.toContain(wrong)
        expect(everything).not.toContain(users.alice)
        if (engine === 'kafkajs') expect(logged.length).toBeGreaterThan(0)
      }
    }, 60_000)

    it('refuses a broker certificate the client does not trust (no CA given), at once', async () => {
      for (const brokers of [sec().ssl, sec().saslSsl]) {
        const admin = createTopicAdmin({
          brokers,
          engine,
          tls: true,
          topics: [],
        })
        const error = await admin.connect().then(
          () => undefined,
          (e: unknown) => e as { code: string; message: string },
        )
        await admin.disconnect()
        expect(error?.code).toBe('KAFKIT_CLIENT_AUTH_FAILED')
        expect(error?.message).toMatch(
          /^TLS: broker 127\.0\.0\.1:\d+ presented a certificate this client does not trust/,
        )
        expect(error?.message).toContain('tls.ca')
      }
    }, 60_000)
  })

  it('kafkit produce and consume take --tls-ca, --sasl-mechanism, --sasl-username and $KAFKIT_SASL_PASSWORD', async () => {
    const topic = `cli-security-${suffix()}`
    const common = ['--brokers', sec().saslSsl.join(','), '--tls-ca', sec().caFile]
    const sasl = ['--sasl-mechanism', 'scram-sha-512', '--sasl-username', 'bob']
    const noPassword = await kafkit(['produce', topic, ...common, ...sasl], {}, '{"key":"k","value":"v"}\n')
    expect(noPassword.code).not.toBe(0)
    expect(noPassword.stderr).toContain('KAFKIT_SASL_PASSWORD')

    const admin = createTopicAdmin({
      brokers: sec().saslSsl,
      tls: { ca: sec().caPem },
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: users.bob },
      topics: [{ topic, partitions: 1 }],
    })
    await admin.ensureTopics()
    const env = { KAFKIT_SASL_PASSWORD: users.bob }
    const produced = await kafkit(
      ['produce', topic, '--engine', 'platformatic', ...common, ...sasl],
      env,
      '{"key":"k-1","value":"over SASL_SSL"}\n',
    )
    expect(produced.stderr).toContain(`sent 1 record(s) to ${topic}`)
    expect(produced.code).toBe(0)
    const consumed = await kafkit(
      ['consume', topic, '--engine', 'kafkajs', '--from-beginning', '--max', '1', ...common, ...sasl],
      env,
    )
    expect(consumed.code).toBe(0)
    expect(JSON.parse(consumed.stdout.trim())).toMatchObject({ topic, key: 'k-1', value: 'over SASL_SSL' })
    await admin.deleteTopics()
    await admin.disconnect()
  })
})
