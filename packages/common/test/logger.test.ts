import { describe, expect, it } from 'vitest'
import { fromConsole, type Logger, silentLogger } from '../src/index'

function fakeConsole() {
  const calls: [string, unknown[]][] = []
  const at =
    (level: string) =>
    (...args: unknown[]) =>
      void calls.push([level, args])
  return { calls, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

describe('Logger contract (pino argument order)', () => {
  it('fromConsole prints the message first and the fields after it, none when empty', () => {
    const target = fakeConsole()
    const logger: Logger = fromConsole(target)
    logger.warn({ topic: 'orders', partition: 2 }, 'revoked')
    logger.info({}, 'started')
    logger.error({ code: 'X' })
    expect(target.calls).toEqual([
      ['warn', ['revoked', { topic: 'orders', partition: 2 }]],
      ['info', ['started']],
      ['error', ['', { code: 'X' }]],
    ])
  })

  it('drops debug lines unless asked for them', () => {
    const quiet = fakeConsole()
    fromConsole(quiet).debug?.({}, 'detail')
    expect(quiet.calls).toEqual([])
    const verbose = fakeConsole()
    fromConsole(verbose, { debug: true }).debug?.({ n: 1 }, 'detail')
    expect(verbose.calls).toEqual([['debug', ['detail', { n: 1 }]]])
  })

  it('silentLogger takes every call and does nothing', () => {
    expect(() => {
      silentLogger.info({}, 'x')
      silentLogger.debug?.({ a: 1 })
    }).not.toThrow()
  })
})
