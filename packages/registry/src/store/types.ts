import type { LogRecord } from '../state/types'

/** Receives a record with its position in the log; positions only grow, and may have gaps. */
export type OnLogRecord = (record: LogRecord, offset: number) => void

/**
 * An ordered, durable log of registry changes. `start` replays every stored record through
 * `onRecord` (in order) and keeps delivering new ones, its own and other instances'; it resolves
 * once the replay has caught up with the log as it was when `start` was called. A backend may
 * deliver a record more than once (a consumer that starts over); the receiver applies each offset once.
 */
export interface RegistryLog {
  /** Short name for logs and /ready (memory, file, kafka). */
  readonly kind: string
  /** `position` tells the log the next offset the receiver wants, so a backend can resume there. */
  start(onRecord: OnLogRecord, position?: () => number): Promise<void>
  /** Durably appends; the record is later (or synchronously) delivered through `onRecord`. */
  append(record: LogRecord): Promise<void>
  /** Resolves once every record appended anywhere before the call has been delivered here. */
  sync(): Promise<void>
  close(): Promise<void>
  /** Set when the log can no longer deliver records (e.g. its consumer crashed for good). */
  readonly failure?: Error | undefined
}
