import type { LogRecord } from '../state/types'
import type { RegistryLog } from './types'

/** Keeps the log in memory: for tests and throwaway servers. State is lost on exit. */
export class MemoryRegistryLog implements RegistryLog {
  readonly kind = 'memory'
  #records: LogRecord[] = []
  #onRecord: ((record: LogRecord) => void) | undefined

  async start(onRecord: (record: LogRecord) => void): Promise<void> {
    this.#onRecord = onRecord
    for (const record of this.#records) onRecord(record)
  }

  async append(record: LogRecord): Promise<void> {
    // A copy, so later mutation by the caller cannot change history.
    const copy = JSON.parse(JSON.stringify(record)) as LogRecord
    this.#records.push(copy)
    this.#onRecord?.(copy)
  }

  async sync(): Promise<void> {}

  async close(): Promise<void> {
    this.#onRecord = undefined
  }
}
