import { describe, expect, it } from 'vitest'
import { PublishGuard } from '../src/producer/guard'
import { orderBroken, orderV1, orderV2 } from './fixtures/descriptors'
import { MemoryRegistry } from './fixtures/memory-registry'

// Pure guard logic against the in-memory registry; the same flows run against the real registry
// server in integration-tests/test/client-guard.test.ts.
describe('PublishGuard', () => {
  it('registers once with autoRegister and caches the result', async () => {
    const registry = new MemoryRegistry()
    const guard = new PublishGuard(registry, { autoRegister: true, useLatest: false })
    const [a, b] = await Promise.all([guard.check('s', orderV1), guard.check('s', orderV1)])
    expect(a).toBe(b)
    await guard.check('s', orderV1)
    expect(registry.calls.filter((c) => c.startsWith('register'))).toEqual(['register s'])
  })

  it('refuses an incompatible schema with level and reasons, and does not cache the refusal', async () => {
    const registry = new MemoryRegistry()
    const guard = new PublishGuard(registry, { autoRegister: true, useLatest: false })
    await guard.check('s', orderV1)
    const refused = guard.check('s', orderBroken)
    await expect(refused).rejects.toMatchObject({
      code: 'KAFKIT_CLIENT_SCHEMA_REFUSED',
      details: { subject: 's', compatibilityLevel: 'BACKWARD', reason: 'incompatible', mode: 'autoRegister' },
    })
    registry.level = 'NONE'
    await expect(guard.check('s', orderBroken)).rejects.toMatchObject({
      details: { compatibilityLevel: 'NONE' },
    })
  })

  it('strict mode looks up only; useLatest converts values into the latest schema', async () => {
    const registry = new MemoryRegistry()
    const strict = new PublishGuard(registry, { autoRegister: false, useLatest: false })
    await expect(strict.check('s', orderV1)).rejects.toMatchObject({
      details: { reason: 'not-registered', mode: 'strict' },
    })
    expect(registry.calls.some((c) => c.startsWith('register'))).toBe(false)

    const { id } = await registry.register('s', { schema: JSON.stringify(orderV2.schema) })
    const latest = new PublishGuard(registry, { autoRegister: false, useLatest: true })
    const writer = await latest.check('s', orderV1)
    expect(writer.schemaId).toBe(id)
    const v1Bytes = orderV1.type.toBuffer({ id: 'o', amount: 1, customerId: 'c', note: null })
    expect(orderV2.type.fromBuffer(writer.convert!(v1Bytes))).toEqual({
      id: 'o',
      amount: 1,
      customerId: 'c',
      note: null,
      currency: 'EUR',
    })
  })
})
