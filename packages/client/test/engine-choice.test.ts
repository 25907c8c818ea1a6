import { describe, expect, it } from 'vitest'
import { createEngine, createKafkajsEngine, DEFAULT_ENGINE, engineFromEnv } from '../src/engine/index'
import { createGroupConsumer, createProducer, createTopicAdmin, ENGINE_NAMES } from '../src/index'
import { makeTopics } from './fixtures/descriptors'

const brokers = ['127.0.0.1:9092']
const t = makeTopics('engine')

function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn()
  } catch (error) {
    return error as { code: string; message: string }
  }
  throw new Error('expected an error')
}

const producerOptions = {
  idempotent: true,
  acks: -1,
  retries: 1,
  timeoutMs: 1000,
} as const

describe('choosing an engine', () => {
  it('reads KAFKIT_ENGINE, defaults to platformatic, and names the choices when it is wrong', () => {
    expect(ENGINE_NAMES).toEqual(['kafkajs', 'platformatic'])
    expect(DEFAULT_ENGINE).toBe('platformatic')
    expect(engineFromEnv({})).toBe('platformatic')
    expect(engineFromEnv({ KAFKIT_ENGINE: '' })).toBe('platformatic')
    expect(engineFromEnv({ KAFKIT_ENGINE: 'kafkajs' })).toBe('kafkajs')
    expect(engineFromEnv({ KAFKIT_ENGINE: 'platformatic' })).toBe('platformatic')
    const e = thrown(() => engineFromEnv({ KAFKIT_ENGINE: 'rdkafka' }))
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toMatch(/KAFKIT_ENGINE='rdkafka' is not an engine: use 'kafkajs' or 'platformatic'/)
  })

  it('builds the named engine; the name wins over KAFKIT_ENGINE', () => {
    expect(createEngine('platformatic', { brokers }).name).toBe('platformatic')
    expect(createEngine('kafkajs', { brokers }).name).toBe('kafkajs')
    const before = process.env.KAFKIT_ENGINE
    try {
      process.env.KAFKIT_ENGINE = 'kafkajs'
      expect(createEngine(undefined, { brokers }).name).toBe('kafkajs')
      expect(createEngine('platformatic', { brokers }).name).toBe('platformatic')
      process.env.KAFKIT_ENGINE = 'platformatic'
      expect(createEngine(undefined, { brokers }).name).toBe('platformatic')
      expect(createEngine('kafkajs', { brokers }).name).toBe('kafkajs')
    } finally {
      if (before === undefined) delete process.env.KAFKIT_ENGINE
      else process.env.KAFKIT_ENGINE = before
    }
  })

  it('every factory takes engine, refuses an unknown one, and refuses engine beside a kafka instance', () => {
    expect(createProducer({ brokers, engine: 'platformatic' }).options.engine).toBe('platformatic')
    expect(createTopicAdmin({ brokers, engine: 'kafkajs', topics: [] }).options.engine).toBe('kafkajs')
    expect(
      createGroupConsumer({
        brokers,
        engine: 'platformatic',
        groupId: 'g',
        topics: [t.orders],
        registry: 'http://127.0.0.1:8081',
      }).options.engine,
    ).toBe('platformatic')
    const bad = thrown(() => createProducer({ brokers, engine: 'rdkafka' as never }))
    expect(bad.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(bad.message).toMatch(/engine must be 'kafkajs' or 'platformatic'/)
    const both = thrown(() =>
      createProducer({ kafka: createKafkajsEngine({ brokers }), engine: 'platformatic' }),
    )
    expect(both.message).toMatch(/`engine` picks the engine for `brokers`/)
  })

  it('kafkajs compresses with none, gzip and zstd, and refuses snappy and lz4 with a typed error', () => {
    const kafkajs = createEngine('kafkajs', { brokers })
    for (const compression of ['none', 'gzip', 'zstd'] as const) {
      expect(() => kafkajs.producer({ ...producerOptions, compression })).not.toThrow()
    }
    for (const compression of ['snappy', 'lz4'] as const) {
      const e = thrown(() => kafkajs.producer({ ...producerOptions, compression }))
      expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
      expect(e.message).toMatch(new RegExp(`cannot compress with ${compression}.*engine: 'platformatic'`))
    }
    const platformatic = createEngine('platformatic', { brokers })
    for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
      expect(() => platformatic.producer({ ...producerOptions, compression })).not.toThrow()
    }
  })

  it('KIP-848 groups are a platformatic option; kafkajs refuses them', () => {
    expect(createEngine('platformatic', { brokers, groupProtocol: 'consumer' }).name).toBe('platformatic')
    const e = thrown(() => createEngine('kafkajs', { brokers, groupProtocol: 'consumer' }))
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toMatch(/needs engine: 'platformatic'/)
  })
})
