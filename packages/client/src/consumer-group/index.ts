import type { TopicDescriptor } from '@kafkit/common'
import { GroupConsumer } from './group-consumer'
import type { GroupConsumerOptions } from './options'

export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff'
export {
  type ClassifyOptions,
  createClassifier,
  type ErrorClass,
  type ErrorClassification,
  type ErrorMatcher,
  FatalError,
  RetriableError,
} from './classify'
export {
  attemptsOf,
  createDeadLetterSender,
  DLT_HEADERS,
  deadLetterHeaders,
  deadLetterTopicName,
  ensureErrorTopics,
  originOf,
  RETRY_HEADERS,
  retryTopicName,
  schemaIdOf,
} from './dead-letter'
export { GroupConsumer } from './group-consumer'
export { KeyOrderedScheduler } from './key-scheduler'
export { OffsetTracker } from './offset-tracker'
export {
  type GroupConsumerOptions,
  groupConsumerOptionsSchema,
  type RetryOptions,
} from './options'
export type * from './types'

/** Creates a consumer-group runner with retries, dead letters, key-ordered concurrency and drain; see docs/client.md. */
export function createGroupConsumer<const Topics extends readonly TopicDescriptor[]>(
  options: GroupConsumerOptions<Topics>,
): GroupConsumer<Topics> {
  return new GroupConsumer<Topics>(options)
}
export {
  createExactlyOnceTransformer,
  type ExactlyOnceOptions,
  ExactlyOnceTransformer,
  type TransformOutput,
} from './exactly-once'
export {
  parseReplayFilter,
  REPLAYED_FROM_HEADER,
  type ReplayedRecord,
  type ReplayFilter,
  type ReplayOptions,
  type ReplayResult,
  replayDeadLetters,
} from './replay'
