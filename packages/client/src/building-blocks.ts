// Parts of the consumer-group helpers and the plain consumer's pipeline, for teams that write their
// own runner on top of the engine seam (docs/client.md, "Building blocks"). Not needed by services
// that use createGroupConsumer / createConsumer.
export { type ClusterState, planTopics } from './admin/plan'
export { createDecodeStep, type DecodeOutcome } from './consumer/decode-step'
export { createInvalidRecordStep } from './consumer/invalid-policy'
export { backoffDelay, DEFAULT_BACKOFF } from './consumer-group/backoff'
export { createClassifier } from './consumer-group/classify'
export { attemptsOf, deadLetterHeaders, ensureErrorTopics, originOf } from './consumer-group/dead-letter'
export { KeyOrderedScheduler } from './consumer-group/key-scheduler'
export { OffsetTracker } from './consumer-group/offset-tracker'
export { toPositive } from './partitioners'
