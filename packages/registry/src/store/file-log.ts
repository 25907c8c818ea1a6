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
 * A lock file keeps a second process from writing the same dir.
 */
export class FileRegistryLog implements RegistryLog {
  readonly kind = 'file'
  readonly dir: string
  #handle: Awaited<ReturnType<typeof open>> | undefined
  #onRecord: OnLogRecord | undefined
  /** Offset of the next record: its line number among the complete lines. */
  #count = 0
  #tail: Promise<void> = Promise.resolve()

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
    const run = this.#tail.then(async () => {
      const handle = this.#handle
      if (handle === undefined) throw new Error('the file log is not started or already closed')
      const line = `${JSON.stringify(record)}\n`
      await handle.write(line)
      await handle.datasync()
      this.#onRecord?.(JSON.parse(line) as LogRecord, this.#count++)
    })
    // Keep the chain alive after a failure; the caller still sees the rejection.
    this.#tail = run.catch(() => {})
    return run
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
