import { fileURLToPath } from 'node:url'
import { partitionForKey } from '@kafkit/client'
import { startRegistry } from '@kafkit/registry'
import { generatedDrift, runId } from 'kafkit-example-support'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { HOSTS, main, SERVICES } from '../src/main'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

describe('examples/log-aggregation', () => {
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

  it('4 shippers, keyed by service: one partition per service, in order; retention set by the typed admin', async () => {
    const id = runId()
    const result = await main({ brokers: inject('kafkaBrokers'), registryUrl: registry.url, runId: id })

    expect(result.created).toEqual([
      {
        type: 'create',
        topic: `logs-${id}`,
        partitions: 6,
        replicationFactor: undefined,
        configs: expect.objectContaining({
          'retention.ms': String(3 * 86_400_000),
          'retention.bytes': String(512 * 1024 * 1024),
          'cleanup.policy': 'delete',
          'segment.ms': String(6 * 3_600_000),
        }),
      },
    ])
    // Raising retention alters exactly that config, from the value the cluster reported.
    expect(result.retentionChange).toEqual([
      {
        type: 'alter-configs',
        topic: `logs-${id}`,
        changes: [{ name: 'retention.ms', from: String(3 * 86_400_000), to: String(7 * 86_400_000) }],
      },
    ])
    // Read back from the cluster: it now matches the declaration.
    expect(result.afterwards).toEqual([])

    // Keyed partitioning: every service's lines sit in one partition, the one Java's murmur2 picks.
    for (const service of SERVICES) {
      expect(result.partitionsByService[service], service).toEqual([partitionForKey(Buffer.from(service), 6)])
    }
    expect(result.linesByHost).toEqual(Object.fromEntries(HOSTS.map((h) => [h, SERVICES.length * 5])))
    expect(result.inOrder).toBe(true)
    expect(result.errors).toBeGreaterThan(0)
  })
})
