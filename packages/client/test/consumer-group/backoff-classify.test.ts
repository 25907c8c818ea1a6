import { ClientError } from '@kafkit/client'
import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_BACKOFF, sleep } from '../../src/consumer-group/backoff'
import { createClassifier, FatalError, RetriableError } from '../../src/consumer-group/classify'

describe('backoffDelay: exponential, capped, with jitter', () => {
  const o = { initialMs: 100, multiplier: 2, maxMs: 1000, jitter: 'none' as const }
  it('grows by the multiplier and stops at maxMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((r) => backoffDelay(r, o))).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(backoffDelay(5000, o)).toBe(1000)
  })
  it('full jitter spans [0, d], equal jitter [d/2, d]', () => {
    expect(backoffDelay(3, { ...o, jitter: 'full' }, () => 0)).toBe(0)
    expect(backoffDelay(3, { ...o, jitter: 'full' }, () => 0.999999)).toBe(400)
    expect(backoffDelay(3, { ...o, jitter: 'equal' }, () => 0)).toBe(200)
    expect(backoffDelay(3, { ...o, jitter: 'equal' }, () => 0.5)).toBe(300)
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(2, DEFAULT_BACKOFF)
      expect(d).toBeGreaterThanOrEqual(200)
      expect(d).toBeLessThanOrEqual(400)
    }
  })
  it('rejects a retry number below 1', () => {
    expect(() => backoffDelay(0, o)).toThrow(/retry must be an integer >= 1, got 0/)
  })
  it('sleep resolves false when aborted', async () => {
    const ac = new AbortController()
    const p = sleep(60_000, ac.signal)
    ac.abort()
    expect(await p).toBe(false)
    expect(await sleep(0)).toBe(true)
  })
})

describe('createClassifier: retriable or fatal', () => {
  class PaymentDeclined extends Error {}
  class Timeout extends Error {}
  it('defaults: poison-pill codes, programming errors and FatalError are fatal; the rest retriable', () => {
    const c = createClassifier()
    expect(c(new ClientError('KAFKIT_CLIENT_DECODE_FAILED', 'x'))).toBe('fatal')
    expect(c(new ClientError('KAFKIT_CLIENT_VALIDATION_FAILED', 'x'))).toBe('fatal')
    expect(c(new ClientError('KAFKIT_CLIENT_SEND_FAILED', 'x'))).toBe('retriable')
    expect(c(new TypeError('x'))).toBe('fatal')
    expect(c(new FatalError('x'))).toBe('fatal')
    expect(c(new Timeout('x'))).toBe('retriable')
    expect(c('a thrown string')).toBe('retriable')
  })
  it('user lists by class or predicate win over the defaults; RetriableError/FatalError win over lists', () => {
    const c = createClassifier({
      fatal: [PaymentDeclined, (e) => (e as Error).message === 'bad input'],
      retriable: [TypeError],
      otherwise: 'fatal',
    })
    expect(c(new PaymentDeclined('no'))).toBe('fatal')
    expect(c(new Error('bad input'))).toBe('fatal')
    expect(c(new TypeError('flaky lib'))).toBe('retriable')
    expect(c(new Timeout('t'))).toBe('fatal')
    expect(c(new RetriableError('r'))).toBe('retriable')
    expect(createClassifier({ retriable: [() => true] })(new FatalError('f'))).toBe('fatal')
  })
})
