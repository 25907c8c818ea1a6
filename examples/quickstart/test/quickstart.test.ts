import { fileURLToPath } from 'node:url'
import { startRegistry } from '@kafkit/registry'
import { generatedDrift, runId } from 'kafkit-example-support'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { main } from '../src/main'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))

describe('examples/quickstart', () => {
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

  it('produces typed signups and a consumer group reads them back decoded', async () => {
    const id = runId()
    const result = await main({ brokers: inject('kafkaBrokers'), registryUrl: registry.url, runId: id })
    expect(result.topic).toBe(`signups-${id}`)
    expect(result.sent).toBe(2)
    expect(result.received).toEqual([
      {
        userId: 'u-1',
        email: 'ada@example.com',
        plan: 'PRO',
        signedUpAt: new Date(1_700_000_000_000),
        referrer: null,
      },
      {
        userId: 'u-2',
        email: 'alan@example.com',
        plan: 'FREE',
        signedUpAt: new Date(1_700_000_060_000),
        referrer: 'newsletter',
      },
    ])
    // The producer registered the value schema under the run's TopicNameStrategy subject.
    const versions = await fetch(`${registry.url}/subjects/signups-${id}-value/versions`)
    expect(await versions.json()).toEqual([1])
  })
})
