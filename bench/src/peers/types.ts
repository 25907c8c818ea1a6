import type { BenchEvent } from '../payload'

/** Everything a peer needs to reach the cluster and the registry. */
export interface PeerContext {
  readonly brokers: readonly string[]
  readonly registryUrl: string
}

/**
 * One client under test. The harness owns timing, topics and message counts; a peer only encodes,
 * sends, receives and decodes, with the shared settings (acks all, no compression, not idempotent).
 */
export interface KafkaPeer {
  readonly id: string
  readonly label: string
  /** Connects the producer (and registers schemas) before anything is timed. */
  start(): Promise<void>
  /** Encodes `events` and sends them to `topic` as one request; resolves when all are acknowledged. */
  send(topic: string, events: readonly BenchEvent[]): Promise<void>
  /**
   * Joins a new consumer group on `topic` from the beginning; calls `onEvent` with each decoded
   * record, in order per partition. Resolves once the consumer runs; the returned function stops it.
   */
  subscribe(
    topic: string,
    groupId: string,
    onEvent: (event: BenchEvent) => void,
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}

export interface PeerFactory {
  readonly id: string
  readonly label: string
  /** What exactly runs, printed beside the results. */
  readonly note: string
  /** Builds the peer, or throws with the reason it cannot run here (it is then listed as skipped). */
  create(context: PeerContext): Promise<KafkaPeer>
}

/** Consumer settings every peer gets (Kafkit's defaults, set explicitly on the others). */
export const CONSUMER_SETTINGS = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  maxBytesPerPartition: 1_048_576,
} as const
