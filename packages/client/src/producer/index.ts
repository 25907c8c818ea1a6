import type { TopicDescriptor } from '@kafkit/common'
import type { ProducerOptions } from './options'
import { Producer } from './producer'

export type { WriterSchema } from './guard'
export { type ProducerOptions, producerOptionsSchema } from './options'
export { Producer } from './producer'
export type * from './types'

/** Creates a typed producer; see docs/client.md for the defaults (idempotent, acks all, retries). */
export function createProducer<const Topics extends readonly TopicDescriptor[] = readonly []>(
  options: ProducerOptions<Topics>,
): Producer<Topics> {
  return new Producer<Topics>(options)
}
