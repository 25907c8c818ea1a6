import { fileURLToPath } from 'node:url'
import { startRegistry } from '@kafkit/registry'
import { generatedDrift, runId } from 'kafkit-example-support'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { main } from '../src/main'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

describe('examples/order-service', () => {
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

  it('ships deliverable orders through the shipping group, retries the carrier, dead-letters the rest', async () => {
    const id = runId()
    const lines: string[] = []
    const result = await main({
      brokers: inject('kafkaBrokers'),
      registryUrl: registry.url,
      runId: id,
      log: (line) => lines.push(line),
    })
    expect(result.status).toEqual({
      'o-1': 'SHIPPED',
      'o-2': 'SHIPPED',
      'o-3': 'SHIPPED',
      'o-4': 'SHIPPED',
      'o-5': 'PLACED',
    })
    expect(result.shipments.map((s) => [s.orderId, s.carrier])).toEqual([
      ['o-1', 'POSTNL'],
      ['o-2', 'DHL'],
      ['o-3', 'UPS'],
      ['o-4', 'DHL'],
    ])
    for (const s of result.shipments) expect(['shipping-a', 'shipping-b']).toContain(s.handledBy)
    // The carrier API was down for its first two calls: those orders were retried, not dropped (all
    // four shipped above). The retry may run on the other member when the group rebalances meanwhile,
    // which starts its attempt count again, so the failures are counted in the log.
    expect(lines.filter((l) => /attempt \d+ failed \(carrier API timed out/.test(l))).toHaveLength(2)

    expect(result.deadLetters).toHaveLength(2)
    const [refused, undecodable] = result.deadLetters // sorted by key
    // The order to Antarctica: a FatalError, dead-lettered on the first attempt, Avro bytes kept.
    expect(refused).toMatchObject({
      key: 'c-edsger',
      stage: 'handler',
      errorClass: 'CarrierRefusedError',
      errorCode: 'CARRIER_REFUSED',
      reason: "no carrier serves country 'AQ'",
      attempts: 1,
      originalTopic: `orders-${id}`,
      text: undefined,
      schemaId: expect.any(Number),
    })
    // The legacy CSV line: not Confluent Avro, a poison pill, kept byte for byte.
    expect(undecodable).toMatchObject({
      key: 'c-legacy',
      stage: 'value',
      errorCode: 'KAFKIT_CLIENT_DECODE_FAILED',
      originalTopic: `orders-${id}`,
      text: 'order;o-6;NL',
      schemaId: undefined,
    })
  })
})
