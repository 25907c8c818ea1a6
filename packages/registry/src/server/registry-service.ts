import { createHash, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { RegistryApiError } from '../errors'
import { type ApplyResult, RegistryState } from '../state/registry-state'
import type { LogRecord, RegistryCommand } from '../state/types'
import type { RegistryLog } from '../store/types'
import type { RegistryLogger } from './logger'

/** How long a write waits to catch up with the log before it skips the pre-check. */
const PRECHECK_SYNC_MS = 5_000
/** Longest pause between two appends of a proposal whose outcome is unknown. */
const RETRY_BACKOFF_MS = 500

export interface SubmitOptions {
  /** The client's Idempotency-Key header: requests with the same key and the same change apply once. */
  readonly idempotencyKey?: string | undefined
}

/** One proposal id per (key, change): a key reused for another change is another proposal. */
export function keyedProposalId(key: string, command: RegistryCommand): string {
  return `key-${createHash('sha256').update(key).update('\u0000').update(JSON.stringify(command)).digest('hex').slice(0, 40)}`
}

function unwrap(result: ApplyResult): unknown {
  if (!result.ok) throw result.error
  return result.value
}

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
  #waiters = new Map<string, Array<(result: ApplyResult) => void>>()
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
    await this.log.start(
      (record, offset) => this.#onRecord(record, offset),
      () => this.state.nextOffset,
    )
    this.#ready = true
    this.#logger.info(
      { store: this.log.kind, records: this.state.appliedCount },
      'registry state rebuilt from the log',
    )
  }

  #onRecord(record: LogRecord, offset: number): void {
    const result = this.state.applyAt(offset, record)
    if (result === undefined) return // this offset was applied already
    const waiters = this.#waiters.get(record.proposalId)
    if (waiters) {
      this.#waiters.delete(record.proposalId)
      for (const waiter of waiters) waiter(result)
    }
  }

  /** Resolves when the proposal is applied here (at once if it was already), or rejects at the deadline. */
  #outcome(proposalId: string, deadline: number): { promise: Promise<ApplyResult>; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined
    let waiter: ((result: ApplyResult) => void) | undefined
    const promise = new Promise<ApplyResult>((resolve, reject) => {
      const known = this.state.resultOf(proposalId)
      if (known !== undefined) return resolve(known)
      waiter = (result) => {
        clearTimeout(timer)
        resolve(result)
      }
      const list = this.#waiters.get(proposalId) ?? []
      list.push(waiter)
      this.#waiters.set(proposalId, list)
      timer = setTimeout(
        () => {
          this.#dropWaiter(proposalId, waiter)
          reject(
            new RegistryApiError(
              'KAFKIT_REGISTRY_OPERATION_TIMEOUT',
              `The change was not read back from the ${this.log.kind} log within ${this.#writeTimeoutMs} ms; it may still be applied. ` +
                'Retry with the same Idempotency-Key header to get its outcome without applying it twice.',
            ),
          )
        },
        Math.max(0, deadline - Date.now()),
      )
    })
    // The timeout may fire while the append is still in flight; the caller observes it later.
    promise.catch(() => {})
    return {
      promise,
      cancel: () => {
        clearTimeout(timer)
        this.#dropWaiter(proposalId, waiter)
      },
    }
  }

  #dropWaiter(proposalId: string, waiter: ((result: ApplyResult) => void) | undefined): void {
    const list = this.#waiters.get(proposalId)
    if (list === undefined || waiter === undefined) return
    const rest = list.filter((w) => w !== waiter)
    if (rest.length > 0) this.#waiters.set(proposalId, rest)
    else this.#waiters.delete(proposalId)
  }

  /**
   * Appends a change and resolves with what the state machine answered for it. With an idempotency
   * key, the proposal id is derived from the key and the command, so a retried request (to any
   * instance) is the same proposal: it is applied once and every copy gets the first answer.
   */
  async submit(command: RegistryCommand, options: SubmitOptions = {}): Promise<unknown> {
    if (!this.isReady) {
      throw new RegistryApiError(
        'KAFKIT_REGISTRY_LOG_UNAVAILABLE',
        'The registry is still rebuilding its state from the log (or is shutting down); retry shortly',
      )
    }
    const deadline = Date.now() + this.#writeTimeoutMs
    const proposalId =
      options.idempotencyKey === undefined ? randomUUID() : keyedProposalId(options.idempotencyKey, command)
    // A retry of a request already applied here answers as the first copy did, without a new append.
    let known = this.state.resultOf(proposalId)
    if (known !== undefined) return unwrap(known)
    let registered: unknown
    try {
      registered = await this.#precheck(command)
    } catch (error) {
      // The first copy may have been applied meanwhile: its answer, not the pre-check's view of after.
      known = this.state.resultOf(proposalId)
      if (known !== undefined) return unwrap(known)
      throw error
    }
    known = this.state.resultOf(proposalId)
    if (known !== undefined) return unwrap(known)
    // The subject already holds the schema: apply would answer with its id and change nothing.
    if (registered !== undefined) return registered
    const outcome = this.#outcome(proposalId, deadline)
    let settled = false
    void outcome.promise.then(
      () => {
        settled = true
      },
      () => {},
    )
    try {
      await this.#append({ proposalId, command }, deadline, () => settled)
    } catch (error) {
      outcome.cancel()
      throw error
    }
    return unwrap(await outcome.promise)
  }

  /**
   * Appends until the log acknowledges the record or the record is seen applied. A failed append
   * whose outcome is unknown (a leader died mid-request) may still have landed: the same proposal
   * is appended again, and the state applies whichever copy comes first and skips the others.
   */
  async #append(record: LogRecord, deadline: number, applied: () => boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.log.append(record)
        return
      } catch (cause) {
        if (applied()) return
        const unknown = (cause as { outcomeUnknown?: boolean }).outcomeUnknown === true
        if (!unknown || Date.now() + RETRY_BACKOFF_MS >= deadline) {
          throw new RegistryApiError(
            unknown ? 'KAFKIT_REGISTRY_OPERATION_TIMEOUT' : 'KAFKIT_REGISTRY_STORE_ERROR',
            unknown
              ? `Writing to the ${this.log.kind} log did not succeed within ${this.#writeTimeoutMs} ms (${(cause as Error).message ?? String(cause)}); it may still be applied. ` +
                  'Retry with the same Idempotency-Key header to get its outcome without applying it twice.'
              : `Writing to the ${this.log.kind} log failed: ${(cause as Error).message ?? String(cause)}`,
            { cause },
          )
        }
        this.#logger.warn(
          { err: cause, store: this.log.kind, proposalId: record.proposalId, attempt },
          'append outcome unknown; proposing the same change again',
        )
        await sleep(Math.min(RETRY_BACKOFF_MS, 50 * 2 ** attempt))
        if (applied()) return
      }
    }
  }

  /**
   * Refuses a doomed write before it reaches the log: catch up with the log first (other instances
   * may have changed config or versions), then run the state machine's checks without applying.
   * `apply` stays the authority: a write that passes here can still be refused in log order.
   * A register of a schema the subject already holds is answered here, as apply would answer it,
   * without a log record (as Confluent does): the call every producer makes at start-up.
   */
  async #precheck(command: RegistryCommand): Promise<unknown> {
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
    if (!caughtUp) return undefined
    try {
      const plan = this.state.plan(command)
      // A register of what the subject already has is answered without writing to the log.
      if (plan.op === 'unchanged' && command.op === 'register') return plan.answer
    } catch (error) {
      if (error instanceof RegistryApiError) throw error
      // Anything else is left for apply to report in log order.
    }
    return undefined
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
