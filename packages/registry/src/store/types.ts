import type { LogRecord } from '../state/types'

/**
 * An ordered, durable log of registry changes. `start` replays every stored record through
 * `onRecord` (in order) and keeps delivering new ones, its own and other instances'; it resolves
 * once the replay has caught up with the log as it was when `start` was called.
 */
export interface RegistryLog {
  /** Short name for logs and /ready (memory, file, kafka). */
  readonly kind: string
  start(onRecord: (record: LogRecord) => void): Promise<void>
  /** Durably appends; the record is later (or synchronously) delivered through `onRecord`. */
  append(record: LogRecord): Promise<void>
  /** Resolves once every record appended anywhere before the call has been delivered here. */
  sync(): Promise<void>
  close(): Promise<void>
  /** Set when the log can no longer deliver records (e.g. its consumer crashed for good). */
  readonly failure?: Error | undefined
}
