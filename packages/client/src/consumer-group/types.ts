import type { TopicDescriptor } from '@kafkit/common'
import type { ConsumerMessage } from '../consumer/types'
import type { EngineName } from '../engine/resolve'
import type { KafkaEngine } from '../engine/types'
import type { Logger } from '../logger'
import type { SchemaRegistry } from '../serdes/registry'
import type { BackoffOptions } from './backoff'
import type { ClassifyOptions, ErrorClassification } from './classify'

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

export interface RetryOptions {
  /** Attempts in place, including the first (default 3). Records read from retry topics get one each. */
  readonly attempts?: number | undefined
  readonly backoff?: Partial<BackoffOptions> | undefined
}

export interface GroupConsumerOptions<
  Topics extends readonly TopicDescriptor[] = readonly TopicDescriptor[],
> {
  readonly brokers?: readonly string[] | undefined
  readonly kafka?: KafkaEngine | undefined
  /** The engine to build on `brokers`: 'kafkajs' or 'platformatic' (default: `KAFKIT_ENGINE`, else kafkajs). */
  readonly engine?: EngineName | undefined
  readonly clientId?: string | undefined
  readonly groupId: string
  readonly topics: Topics
  readonly registry?: SchemaRegistry | string | undefined
  readonly fromBeginning?: boolean | undefined
  readonly validate?: boolean | undefined
  /** Records of one partition handled at once (default 1); records with the same key never overlap. */
  readonly concurrency?: number | undefined
  /** Most records of one partition queued or running before fetching that partition waits (default 1000). */
  readonly maxInFlight?: number | undefined
  readonly partitionsConsumedConcurrently?: number | undefined
  readonly retry?: RetryOptions | undefined
  /**
   * Non-blocking retries: after in-place attempts fail with a retriable error, the record goes to
   * `<topic>-retry-1` and is handled again after `delaysMs[0]`, then `-retry-2`, ... (default: none).
   */
  readonly retryTopics?: { readonly delaysMs: readonly number[] } | undefined
  /** Send records that finally failed to `<topic>-dlt` (default true); false stops the consumer instead. */
  readonly deadLetter?: boolean | undefined
  /** Which errors are retried: lists of classes/predicates, or a function. */
  readonly classify?: ClassifyOptions | ((error: unknown) => ErrorClassification) | undefined
  /** eachBatch mode: most records per handler call (default 500). */
  readonly batch?:
    | { readonly maxRecords?: number | undefined; readonly maxWaitMs?: number | undefined }
    | undefined
  /** Deadline for in-flight work on stop() and on signals (default 30 s). */
  readonly drainTimeoutMs?: number | undefined
  /** How often the completed prefix of a long-running batch is committed (default 1000 ms). */
  readonly commitIntervalMs?: number | undefined
  /**
   * On a rebalance, how long records already started may finish before the partition is given up;
   * the completed prefix is committed first (default 5000 ms).
   */
  readonly revocationGraceMs?: number | undefined
  /**
   * Opt-in: drain and leave the group on SIGTERM and SIGINT; a second signal during the drain exits
   * the process at once (code 128 + signal number).
   */
  readonly handleSignals?: boolean | undefined
  readonly sessionTimeoutMs?: number | undefined
  readonly heartbeatIntervalMs?: number | undefined
  readonly maxBytesPerPartition?: number | undefined
  /** Called after the group committed offsets (next offsets to read), e.g. for metrics or audits. */
  readonly onCommit?: ((offsets: readonly CommittedOffset[]) => void) | undefined
  readonly logger?: Logger | undefined
}

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
