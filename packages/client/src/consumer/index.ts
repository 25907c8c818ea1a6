import type { TopicDescriptor } from '@kafkit/common'
import { Consumer } from './consumer'
import type { ConsumerOptions } from './options'

export { Consumer } from './consumer'
export { createDecodeStep, type DecodeOutcome } from './decode-step'
export { createInvalidRecordStep } from './invalid-policy'
export { type ConsumerOptions, consumerOptionsSchema } from './options'
export type * from './types'

/** Creates a typed consumer for a group over several topics; see docs/client.md. */
export function createConsumer<const Topics extends readonly TopicDescriptor[]>(
  options: ConsumerOptions<Topics>,
): Consumer<Topics> {
  return new Consumer<Topics>(options)
}
