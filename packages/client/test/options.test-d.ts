import { describe, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type { consumerOptionsSchema } from '../src/consumer/index'
import type { groupConsumerOptionsSchema } from '../src/consumer-group/index'
import {
  type ConsumerOptions,
  createConsumer,
  createProducer,
  createTopicAdmin,
  type GroupConsumerOptions,
  type ProducerOptions,
  type RetryOptions,
  type SaslOptions,
  type TlsOptions,
  type TopicAdminOptions,
} from '../src/index'
import type { producerOptionsSchema } from '../src/producer/index'
import { makeTopics, topic } from './fixtures/descriptors'

const t = makeTopics('options')
const orders = topic('orders', t.orders.key, t.orders.value)

// The option types are derived from the schemas that validate them (#15): a key added to or removed
// from a schema changes the type, so documentation and defaults live in one place.
describe('option types come from the zod schemas', () => {
  it('have exactly the schema keys', () => {
    expectTypeOf<keyof ProducerOptions>().toEqualTypeOf<keyof z.input<typeof producerOptionsSchema>>()
    expectTypeOf<keyof ConsumerOptions>().toEqualTypeOf<keyof z.input<typeof consumerOptionsSchema>>()
    expectTypeOf<keyof GroupConsumerOptions>().toEqualTypeOf<
      keyof z.input<typeof groupConsumerOptionsSchema>
    >()
  })

  it('take the schema input types, read-only', () => {
    expectTypeOf<ProducerOptions['retries']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<ProducerOptions['acks']>().toEqualTypeOf<'all' | -1 | 0 | 1 | undefined>()
    expectTypeOf<ProducerOptions['compression']>().toEqualTypeOf<
      'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd' | undefined
    >()
    expectTypeOf<ConsumerOptions['onInvalid']>().toEqualTypeOf<'fail' | 'skip' | 'dead-letter' | undefined>()
    expectTypeOf<RetryOptions['attempts']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<TopicAdminOptions['brokers']>().toEqualTypeOf<readonly string[] | undefined>()
  })

  it('accept read-only arrays and explicit undefined', () => {
    const brokers = ['127.0.0.1:9092'] as const
    createProducer({ brokers, clientId: undefined, retries: undefined })
    createConsumer({ brokers, groupId: 'g', topics: [orders] })
    createTopicAdmin({ brokers, topics: [{ topic: orders, partitions: 3, configs: { 'retention.ms': 1 } }] })
    const delays = [100, 1000] as const
    const options: GroupConsumerOptions<readonly [typeof orders]> = {
      brokers,
      groupId: 'g',
      topics: [orders],
      retryTopics: { delaysMs: delays },
      retry: { backoff: { jitter: 'none' } },
    }
    expectTypeOf(options.topics).toEqualTypeOf<readonly [typeof orders]>()
  })

  it('reject what the schema refuses', () => {
    // @ts-expect-error retries is a number
    createProducer({ brokers: ['127.0.0.1:9092'], retries: '3' })
    // @ts-expect-error compression names a codec
    createProducer({ brokers: ['127.0.0.1:9092'], compression: 'brotli' })
    // @ts-expect-error groupId is required
    createConsumer({ brokers: ['127.0.0.1:9092'], topics: [orders] })
    // @ts-expect-error jitter is 'full', 'equal' or 'none'
    const retry: RetryOptions = { backoff: { jitter: 'some' } }
    expectTypeOf(retry).toEqualTypeOf<RetryOptions>()
  })
})

describe('tls and sasl on every factory that takes brokers', () => {
  it('are the engine-neutral shapes, the same on each factory', () => {
    expectTypeOf<ProducerOptions['tls']>().toEqualTypeOf<TlsOptions | undefined>()
    expectTypeOf<ConsumerOptions['sasl']>().toEqualTypeOf<SaslOptions | undefined>()
    expectTypeOf<GroupConsumerOptions['tls']>().toEqualTypeOf<TlsOptions | undefined>()
    expectTypeOf<TopicAdminOptions['sasl']>().toEqualTypeOf<SaslOptions | undefined>()
    expectTypeOf<SaslOptions['mechanism']>().toEqualTypeOf<'plain' | 'scram-sha-256' | 'scram-sha-512'>()
    // @ts-expect-error: GSSAPI is not offered
    createProducer({ brokers: ['h:1'], sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } })
  })
})
