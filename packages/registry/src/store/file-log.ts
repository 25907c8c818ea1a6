import { mkdir, open, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RegistryStoreError } from '../errors'
import type { LogRecord } from '../state/types'
import type { OnLogRecord, RegistryLog } from './types'

const LOG_FILE = 'registry.log'
const LOCK_FILE = 'registry.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Append-only JSON-lines log in a data dir. Each append is fsync'ed before it is applied, so an
 * acknowledged write survives a crash; a torn last line (crash mid-write) is dropped on start.
 * Appends made while an fsync is in flight are written and fsync'ed together (group commit).
 * A lock file keeps a second process from writing the same dir.
 */
export class FileRegistryLog implements RegistryLog {
  readonly kind = 'file'
  readonly dir: string
  #handle: Awaited<ReturnType<typeof open>> | undefined
  #onRecord: OnLogRecord | undefined
  /** Offset of the next record: its line number among the complete lines. */
  #count = 0
  /** Chain of flushes; never rejects (each append's promise carries its own outcome). */
  #tail: Promise<void> = Promise.resolve()
  #pending: Array<{ line: string; resolve: () => void; reject: (error: unknown) => void }> = []

  constructor(dir: string) {
    this.dir = dir
  }

  async start(onRecord: OnLogRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await this.#lock()
    const path = join(this.dir, LOG_FILE)
    let text = ''
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const lines = text.split('\n')
    let good = 0
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string
      const last = i === lines.length - 1
      if (line === '') {
        if (!last) good += 1
        continue
      }
      let record: LogRecord
      try {
        record = JSON.parse(line) as LogRecord
      } catch (cause) {
        if (last) break // torn write at the end: drop it
        throw new RegistryStoreError(
          'KAFKIT_REGISTRY_LOG_CORRUPT',
          `Line ${i + 1} of ${path} is not a valid record; restore the file from a backup or remove the line`,
          { cause, details: { path, line: i + 1 } },
        )
      }
      if (last) break // no trailing newline: the write did not finish
      onRecord(record, this.#count++)
      good += Buffer.byteLength(line) + 1
    }
    if (good !== Buffer.byteLength(text)) await truncate(path, good)
    this.#handle = await open(path, 'a')
    this.#onRecord = onRecord
  }

  async #lock(): Promise<void> {
    const path = join(this.dir, LOCK_FILE)
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' })
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim())
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new RegistryStoreError(
        'KAFKIT_REGISTRY_DATA_DIR_LOCKED',
        `Process ${pid} already serves the registry data dir ${this.dir}; stop it or use another --store file:DIR`,
        { details: { dir: this.dir, pid } },
      )
    }
    // Stale lock from a process that died: take it over.
    await writeFile(path, String(process.pid))
  }

  append(record: LogRecord): Promise<void> {
    // Group commit: appends that arrive while a write+fsync is in flight share the next one, so
    // concurrent writers pay one fsync per batch instead of one each. Records keep their order.
    let line: string
    try {
      line = `${JSON.stringify(record)}\n`
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ line, resolve, reject })
      if (this.#pending.length === 1) this.#tail = this.#tail.then(() => this.#flush())
    })
  }

  async #flush(): Promise<void> {
    const batch = this.#pending
    this.#pending = []
    try {
      const handle = this.#handle
      if (handle === undefined) throw new Error('the file log is not started or already closed')
      await handle.write(batch.map((p) => p.line).join(''))
      await handle.datasync()
    } catch (error) {
      for (const p of batch) p.reject(error)
      return
    }
    for (const p of batch) {
      // The line is in the file whatever the receiver does with it: it takes its offset.
      const offset = this.#count++
      try {
        this.#onRecord?.(JSON.parse(p.line) as LogRecord, offset)
        p.resolve()
      } catch (error) {
        p.reject(error)
      }
    }
  }

  async sync(): Promise<void> {
    await this.#tail
  }

  async close(): Promise<void> {
    await this.#tail
    this.#onRecord = undefined
    const handle = this.#handle
    this.#handle = undefined
    if (handle) {
      await handle.close()
      await rm(join(this.dir, LOCK_FILE), { force: true })
    }
  }
}
