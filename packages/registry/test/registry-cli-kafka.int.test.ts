import { describe, expect, inject, it } from 'vitest'
import { RegistryClient } from '../src/index'
import { serve } from './helpers/cli'
import { uniq } from './helpers/http-suite'

describe('kafkit registry serve --store kafka (real binary, real broker)', { timeout: 120_000 }, () => {
  it('two processes share one topic, and a restarted process serves the same state', async () => {
    const brokers = inject('kafkaBrokers').join(',')
    const topic = uniq('_schemas-cli')
    const args = ['--store', 'kafka', '--brokers', brokers, '--topic', topic]
    const a = await serve(args)
    const b = await serve(args)
    try {
      const subject = uniq('cli-kafka')
      const schema = { type: 'record', name: 'K', fields: [{ name: 'x', type: 'int' }] }
      const { id, guid } = await new RegistryClient({ url: a.url }).register(subject, { schema })
      // The same schema registered through the other process gets the same id (and GUID).
      expect(await new RegistryClient({ url: b.url }).register(subject, { schema })).toEqual({
        id,
        guid,
        version: 1,
      })
      expect(await a.stop()).toBe(0)
      const again = await serve(args)
      try {
        expect(await new RegistryClient({ url: again.url }).getVersion(subject, 1)).toMatchObject({
          id,
          version: 1,
        })
      } finally {
        await again.stop()
      }
    } finally {
      await a.stop()
      await b.stop()
    }
  })
})
