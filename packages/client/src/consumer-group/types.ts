import type { TopicDescriptor } from '@kafkit/common'
import type { ConsumerMessage } from '../consumer/types'

/** Where a record was actually read from (a retry topic for retried records) and which attempt this is. */
export interface Delivery {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  /** 1 for the first attempt; counts in-place retries and retry-topic hops. */
  readonly attempt: number
}

export interface GroupHandlerContext {
  /** Aborted when the record's work is abandoned: drain deadline passed, or the partition was revoked. */
  readonly signal: AbortSignal
  readonly delivery: Delivery
  heartbeat(): Promise<void>
}

export type GroupMessageHandler<T extends TopicDescriptor> = (
  message: ConsumerMessage<T>,
  context: GroupHandlerContext,
) => Promise<void> | void

export interface GroupBatchContext {
  readonly signal: AbortSignal
  /** 1 for the first attempt of this batch, then one more per in-place retry. */
  readonly attempt: number
  heartbeat(): Promise<void>
}

export type GroupBatchHandler<T extends TopicDescriptor> = (
  messages: readonly ConsumerMessage<T>[],
  context: GroupBatchContext,
) => Promise<void> | void

export type GroupRunOptions<T extends TopicDescriptor> =
  | { readonly eachMessage: GroupMessageHandler<T>; readonly eachBatch?: undefined }
  | { readonly eachBatch: GroupBatchHandler<T>; readonly eachMessage?: undefined }

export interface CommittedOffset {
  readonly topic: string
  readonly partition: number
  /** Next offset the group reads. */
  readonly offset: string
}

export interface AbandonedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly reason: 'drain-deadline' | 'revoked' | 'not-started'
}

export interface DrainReport {
  /** True when every in-flight record completed before the deadline. */
  readonly clean: boolean
  /** Records that were running at the deadline (their offsets were not committed). */
  readonly abandoned: readonly AbandonedRecord[]
  /** Records fetched but never started (not committed either; the group reads them again). */
  readonly notStarted: number
  /** Committed position per partition this member handled, after the drain. */
  readonly committed: readonly CommittedOffset[]
  /**
   * Other Kafkit producers, consumers and admins still connected when the drain ended, by name: each
   * keeps the process alive until it is disconnected. After a drain started by a signal
   * (`handleSignals`), the ones still open 2 s later are also logged as a warning.
   */
  readonly openHandles: readonly string[]
}

export interface PartitionLag {
  readonly topic: string
  readonly partition: number
  /** End offset (high watermark) as of the last fetch. */
  readonly endOffset: string
  /** Last committed (next-to-read) offset, or undefined before the first commit by this member. */
  readonly committedOffset: string | undefined
  readonly lag: number
}

export interface GroupMetrics {
  readonly processed: number
  readonly retries: number
  readonly retryTopicSends: number
  readonly deadLettered: number
  readonly poisonPills: number
  readonly inFlight: number
  readonly waitingOnBackPressure: number
  readonly lag: readonly PartitionLag[]
}

export type GroupHealthStatus = 'starting' | 'up' | 'stopping' | 'down'

export interface GroupHealth {
  readonly status: GroupHealthStatus
  readonly healthy: boolean
  readonly groupId: string
  /** Error that stopped the consumer, when status is 'down' because of a failure. */
  readonly error?: string | undefined
  /** Milliseconds since a batch was last handled, undefined before the first. */
  readonly sinceLastBatchMs: number | undefined
  readonly inFlight: number
}
