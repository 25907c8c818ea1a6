import { inject } from 'vitest'
import { confluent8Suite } from './helpers/confluent8-suite'
import { registryHttpSuite, uniq } from './helpers/http-suite'

// The same HTTP suites as the memory and file stores, on a real broker (own topic per run).
registryHttpSuite('kafka', async () => ({
  store: { type: 'kafka', brokers: inject('kafkaBrokers'), topic: uniq('_schemas-api') },
}))
confluent8Suite('kafka', async () => ({
  store: { type: 'kafka', brokers: inject('kafkaBrokers'), topic: uniq('_schemas-c8') },
}))
