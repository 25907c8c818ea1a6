import { inject } from 'vitest'
import { registryHttpSuite, uniq } from './helpers/http-suite'

// The same HTTP suite as the memory and file stores, on a real broker (own topic per run).
registryHttpSuite('kafka', async () => ({
  store: { type: 'kafka', brokers: inject('kafkaBrokers'), topic: uniq('_schemas-api') },
}))
