import { createExactlyOnceTransformer, createGroupConsumer } from '@kafkit/client'
import { parseReplayFilter } from '@kafkit/client/console'
import { describe, expect, it } from 'vitest'
import { stringKey, topic } from '../fixtures/descriptors'

const t = topic('orders', stringKey, stringKey)

describe('group consumer options: bad input is a typed error naming the field', () => {
  it('rejects bad values with the path and the fix', () => {
    const bad = (o: Record<string, unknown>) => () =>
      createGroupConsumer({ brokers: ['localhost:9092'], groupId: 'g', topics: [t], ...o } as never)
    expect(bad({ concurrency: 0 })).toThrow(/concurrency: .*>=1/)
    expect(bad({ retry: { attempts: 0 } })).toThrow(/retry\.attempts/)
    expect(bad({ retry: { backoff: { jitter: 'lots' } } })).toThrow(/retry\.backoff\.jitter/)
    expect(bad({ retryTopics: { delaysMs: [-1] } })).toThrow(/retryTopics\.delaysMs\.0/)
    expect(bad({ maxInFlight: 2, concurrency: 4 })).toThrow(/maxInFlight must be at least concurrency/)
    expect(bad({ deadLeter: true })).toThrow(/deadLeter/)
    expect(bad({ brokers: undefined })).toThrow(/pass exactly one of `brokers`/)
    expect(bad({ topics: [t, t] })).toThrow(/each topic may appear once/)
    try {
      bad({ concurrency: 0 })()
    } catch (e) {
      expect((e as { code: string }).code).toBe('KAFKIT_INVALID_OPTIONS')
    }
  })

  it('applies documented defaults and freezes them', () => {
    const c = createGroupConsumer({ brokers: ['localhost:9092'], groupId: 'g', topics: [t] })
    expect(c.options.concurrency).toBe(1)
    expect(c.options.retry).toEqual({
      attempts: 3,
      backoff: { initialMs: 200, multiplier: 2, maxMs: 30_000, jitter: 'equal' },
    })
    expect(c.options.deadLetter).toBe(true)
    expect(c.options.drainTimeoutMs).toBe(30_000)
    expect(Object.isFrozen(c.options)).toBe(true)
    expect(c.health().status).toBe('starting')
    expect(c.lag()).toEqual([])
  })

  it('stop() before run() resolves a clean, empty report; run() needs a handler', async () => {
    const c = createGroupConsumer({ brokers: ['localhost:9092'], groupId: 'g', topics: [t] })
    await expect(c.run({} as never)).rejects.toThrow(/needs an eachMessage or an eachBatch handler/)
    const d = createGroupConsumer({ brokers: ['localhost:9092'], groupId: 'g', topics: [t] })
    expect(await d.stop()).toEqual({
      clean: true,
      abandoned: [],
      notStarted: 0,
      committed: [],
      openHandles: [],
    })
  })

  it('replay filters and the transformer validate their input', () => {
    expect(parseReplayFilter('error-class=FatalError')).toEqual({ field: 'error-class', value: 'FatalError' })
    expect(parseReplayFilter('key=a=b')).toEqual({ field: 'key', value: 'a=b' })
    expect(() => parseReplayFilter('nofield')).toThrow(/not field=value/)
    expect(() =>
      createExactlyOnceTransformer({ groupId: 'g', from: [t], to: [t], transform: async () => {} } as never),
    ).toThrow(/pass exactly one of `brokers` or `kafka`/)
  })
})
