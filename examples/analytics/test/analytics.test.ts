import { fileURLToPath } from 'node:url'
import { startRegistry } from '@kafkit/registry'
import { generatedDrift, runId } from 'kafkit-example-support'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { main } from '../src/main'
import { TumblingWindowCounter } from '../src/windows'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

describe('examples/analytics', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>
  beforeAll(async () => {
    registry = await startRegistry({ port: 0 })
  })
  afterAll(async () => {
    await registry?.close()
  })

  it('committed generated code matches the schemas (kafkit codegen --check)', async () => {
    expect(await generatedDrift(exampleDir)).toEqual([])
  })

  it('tumbling windows close when event time passes them; later events for them count as late', () => {
    const c = new TumblingWindowCounter({ sizeMs: 60_000 })
    const t = (s: number) => new Date(s * 1000)
    expect(c.add('a', t(5))).toEqual([])
    expect(c.add('b', t(59))).toEqual([])
    expect(c.add('a', t(61))).toEqual([
      { key: 'a', windowStart: t(0), windowEnd: t(60), count: 1 },
      { key: 'b', windowStart: t(0), windowEnd: t(60), count: 1 },
    ])
    expect(c.add('a', t(30))).toEqual([])
    expect(c.late).toBe(1)
    expect(c.flush()).toEqual([{ key: 'a', windowStart: t(60), windowEnd: t(120), count: 1 }])
    expect(() => new TumblingWindowCounter({ sizeMs: 0 })).toThrow(/positive/)
  })

  it('counts per user per minute and a second group reads the same events independently', async () => {
    const id = runId()
    const result = await main({ brokers: inject('kafkaBrokers'), registryUrl: registry.url, runId: id })
    expect(result.perMinute).toEqual([
      { key: 'u-1', windowStart: '2026-03-01T10:00:00.000Z', count: 3 },
      { key: 'u-2', windowStart: '2026-03-01T10:00:00.000Z', count: 1 },
      { key: 'u-1', windowStart: '2026-03-01T10:01:00.000Z', count: 1 },
      { key: 'u-3', windowStart: '2026-03-01T10:01:00.000Z', count: 2 },
      { key: 'u-2', windowStart: '2026-03-01T10:02:00.000Z', count: 2 },
      { key: 'u-3', windowStart: '2026-03-01T10:02:00.000Z', count: 1 },
    ])
    // Fan-out: each group got all 10 events.
    expect(result.seenByGroup).toEqual({ [`activity-${id}`]: 10, [`funnel-${id}`]: 10 })
    expect(result.byType).toEqual({ PAGE_VIEW: 5, CLICK: 3, PURCHASE: 2 })
    expect(result.late).toBe(0)
  })
})
