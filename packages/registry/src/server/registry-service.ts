import { randomUUID } from 'node:crypto'
import { RegistryApiError } from '../errors'
import { type ApplyResult, RegistryState } from '../state/registry-state'
import type { LogRecord, RegistryCommand } from '../state/types'
import type { RegistryLog } from '../store/types'
import type { RegistryLogger } from './types'

/** How long a write waits to catch up with the log before it skips the pre-check. */
const PRECHECK_SYNC_MS = 5_000

/**
 * Binds the state machine to a log. Writes become proposals appended to the log; every instance
 * applies records in log order, and the proposer waits until its own record comes back ("read
 * your own write") to answer with the outcome the state machine computed.
 */
export class RegistryService {
  readonly state = new RegistryState()
  readonly log: RegistryLog
  readonly #writeTimeoutMs: number
  readonly #logger: RegistryLogger
  #waiters = new Map<string, (result: ApplyResult) => void>()
  #ready = false
  #closed = false
  readonly ready: Promise<void>

  constructor(log: RegistryLog, options: { writeTimeoutMs: number; logger: RegistryLogger }) {
    this.log = log
    this.#writeTimeoutMs = options.writeTimeoutMs
    this.#logger = options.logger
    this.ready = this.#start()
    // The promise is observed by /ready and by startRegistry; avoid an unhandled rejection here.
    this.ready.catch(() => {})
  }

  get isReady(): boolean {
    return this.#ready && !this.#closed && this.log.failure === undefined
  }

  async #start(): Promise<void> {
    await this.log.start((record) => this.#onRecord(record))
    this.#ready = true
    this.#logger.info(
      { store: this.log.kind, records: this.state.appliedCount },
      'registry state rebuilt from the log',
    )
  }

  #onRecord(record: LogRecord): void {
    const result = this.state.apply(record)
    const waiter = this.#waiters.get(record.proposalId)
    if (waiter) {
      this.#waiters.delete(record.proposalId)
      waiter(result)
    }
  }

  /** Appends a change and resolves with what the state machine answered for it. */
  async submit(command: RegistryCommand): Promise<unknown> {
    if (!this.isReady) {
      throw new RegistryApiError(
        'KAFKIT_REGISTRY_LOG_UNAVAILABLE',
        'The registry is still rebuilding its state from the log (or is shutting down); retry shortly',
      )
    }
    await this.#precheck(command)
    const proposalId = randomUUID()
    let timer: NodeJS.Timeout | undefined
    const outcome = new Promise<ApplyResult>((resolve, reject) => {
      this.#waiters.set(proposalId, resolve)
      timer = setTimeout(() => {
        this.#waiters.delete(proposalId)
        reject(
          new RegistryApiError(
            'KAFKIT_REGISTRY_OPERATION_TIMEOUT',
            `The change was not read back from the ${this.log.kind} log within ${this.#writeTimeoutMs} ms; it may still be applied`,
          ),
        )
      }, this.#writeTimeoutMs)
    })
    // The timeout may fire while the append is still in flight; it is observed below.
    outcome.catch(() => {})
    try {
      await this.log.append({ proposalId, command })
    } catch (cause) {
      this.#waiters.delete(proposalId)
      clearTimeout(timer)
      throw new RegistryApiError(
        'KAFKIT_REGISTRY_STORE_ERROR',
        `Writing to the ${this.log.kind} log failed: ${(cause as Error).message ?? String(cause)}`,
        { cause },
      )
    }
    try {
      const result = await outcome
      if (!result.ok) throw result.error
      return result.value
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Refuses a doomed write before it reaches the log: catch up with the log first (other instances
   * may have changed config or versions), then run the state machine's checks without applying.
   * `apply` stays the authority: a write that passes here can still be refused in log order.
   */
  async #precheck(command: RegistryCommand): Promise<void> {
    // Only an optimisation: if catching up is slow or fails (broker failover), skip it and let
    // apply decide in log order rather than failing or delaying the write.
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.min(this.#writeTimeoutMs, PRECHECK_SYNC_MS))
    })
    // Never rejects, so a late failure after giving up cannot become an unhandled rejection.
    const syncing = this.log.sync().then(
      () => true,
      (cause: unknown) => {
        this.#logger.warn(
          { err: cause, store: this.log.kind },
          'could not catch up before a write; skipping the pre-check',
        )
        return false
      },
    )
    const caughtUp = await Promise.race([syncing, gaveUp])
    clearTimeout(timer)
    if (!caughtUp) return
    try {
      this.state.check(command)
    } catch (error) {
      if (error instanceof RegistryApiError) throw error
      // Anything else is left for apply to report in log order.
    }
  }

  /** Waits until every change appended anywhere before the call is applied here (for reads after writes elsewhere). */
  async sync(): Promise<void> {
    await this.ready
    await this.log.sync()
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.ready.catch(() => {})
    await this.log.close()
  }
}
