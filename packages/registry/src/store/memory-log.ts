import type { LogRecord } from '../state/types'
import type { OnLogRecord, RegistryLog } from './types'

/** Keeps the log in memory: for tests and throwaway servers. State is lost on exit. */
export class MemoryRegistryLog implements RegistryLog {
  readonly kind = 'memory'
  #records: LogRecord[] = []
  #onRecord: OnLogRecord | undefined

  async start(onRecord: OnLogRecord): Promise<void> {
    this.#onRecord = onRecord
    for (const [offset, record] of this.#records.entries()) onRecord(record, offset)
  }

  /** Every record appended so far, in log order (copies). */
  records(): LogRecord[] {
    return this.#records.map((r) => JSON.parse(JSON.stringify(r)) as LogRecord)
  }

  async append(record: LogRecord): Promise<void> {
    // A copy, so later mutation by the caller cannot change history.
    const copy = JSON.parse(JSON.stringify(record)) as LogRecord
    this.#records.push(copy)
    this.#onRecord?.(copy, this.#records.length - 1)
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {
    this.#onRecord = undefined
  }
}
