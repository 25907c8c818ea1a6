import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createEngine, createKafkajsEngine } from '../src/engine/index'
import { saslSchema } from '../src/engine/security'
import { createConsumer, createProducer, createTopicAdmin, SASL_MECHANISMS } from '../src/index'
import { makeTopics } from './fixtures/descriptors'

const brokers = ['127.0.0.1:9092']
const t = makeTopics('security')
const secret = 'hunter2-do-not-print'

function thrown(fn: () => unknown): { code: string; message: string; details: unknown } {
  try {
    fn()
  } catch (error) {
    return error as { code: string; message: string; details: unknown }
  }
  throw new Error('expected an error')
}

describe('tls and sasl options', () => {
  it('accepts both mechanisms families and TLS shapes on every factory and engine', () => {
    expect(SASL_MECHANISMS).toEqual(['plain', 'scram-sha-256', 'scram-sha-512'])
    for (const engine of ['kafkajs', 'platformatic'] as const) {
      for (const mechanism of SASL_MECHANISMS) {
        const sasl = { mechanism, username: 'app', password: secret }
        expect(createProducer({ brokers, engine, tls: true, sasl }).options.sasl?.username).toBe('app')
        expect(createEngine(engine, { brokers, tls: { ca: 'PEM', servername: 'kafka' }, sasl }).name).toBe(
          engine,
        )
      }
    }
    expect(createTopicAdmin({ brokers, topics: [], tls: { rejectUnauthorized: false } })).toBeDefined()
  })

  it('refuses a bad mechanism, a missing password and half a client certificate, naming the path', () => {
    const e = thrown(() =>
      createProducer({
        brokers,
        // @ts-expect-error: not a mechanism
        sasl: { mechanism: 'gssapi', username: 'app', password: secret },
      }),
    )
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toContain("sasl.mechanism must be 'plain', 'scram-sha-256', 'scram-sha-512'")
    expect(e.message).not.toContain(secret)
    expect(JSON.stringify(e.details)).not.toContain(secret)

    const missing = thrown(() =>
      createConsumer({
        brokers,
        groupId: 'g',
        topics: [t.orders],
        // @ts-expect-error: no password
        sasl: { mechanism: 'plain', username: 'app' },
      }),
    )
    expect(missing.message).toContain('sasl.password')

    const half = thrown(() => createEngine('platformatic', { brokers, tls: { cert: 'PEM' } }))
    expect(half.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(half.message).toContain('a client certificate needs both `cert` and `key`')
  })

  it('says that tls and sasl go with brokers, not with an engine instance', () => {
    const engine = createEngine('kafkajs', { brokers })
    const e = thrown(() =>
      createProducer({ kafka: engine, sasl: { mechanism: 'plain', username: 'a', password: secret } }),
    )
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toContain('`tls` and `sasl` secure the engine built on `brokers`')
    expect(e.message).not.toContain(secret)
    const k = thrown(() => createKafkajsEngine({ kafka: {} as never, tls: true }))
    expect(k.code).toBe('KAFKIT_INVALID_OPTIONS')
  })

  it('keeps the password out of JSON, inspect and spreads of the parsed options', () => {
    const parsed = saslSchema.parse({ mechanism: 'scram-sha-512', username: 'app', password: secret })
    expect(parsed.password).toBe(secret)
    expect(JSON.stringify(parsed)).not.toContain(secret)
    expect(inspect(parsed)).not.toContain(secret)
    expect(JSON.stringify({ ...parsed })).not.toContain(secret)
    const producer = createProducer({
      brokers,
      sasl: { mechanism: 'plain', username: 'app', password: secret },
    })
    expect(inspect(producer.options, { depth: 5 })).not.toContain(secret)
  })
})
