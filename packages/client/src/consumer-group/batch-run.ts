import type { EngineBatch, EngineRecord } from '../engine/types'
import type { KeyOrderedScheduler } from './key-scheduler'
import { OffsetTracker } from './offset-tracker'

export type AbandonReason = 'drain-deadline' | 'revoked' | 'failed'

/** Thrown inside the pipeline when a record's work is given up (drain deadline, revocation, failure). */
export const ABANDONED = Symbol('abandoned')

/**
 * The work on one fetched batch of one partition, from the engine calling the batch handler until the
 * handler returns. Work on it can be abandoned early (`abandon`): a drain deadline, a revocation or a
 * failure elsewhere; records then stop starting and running handlers see their signal aborted.
 */
export class BatchRun {
  readonly abort = new AbortController()
  readonly tracker = new OffsetTracker()
  /** Offsets whose handler is running. */
  readonly started = new Set<string>()
  scheduler: KeyOrderedScheduler<EngineRecord> | undefined
  /** Why the work was abandoned; undefined while it goes on. */
  abandonedFor: AbandonReason | undefined
  /** Set while a revoked batch lets its started records finish before it is abandoned. */
  revoking = false
  /** Next offset to commit: everything before it was handled (resolved to the engine). */
  resolved: string | undefined
  /** Resolves when the work is abandoned (never, for a batch that completes). */
  readonly abandoned: Promise<void>
  /** Resolves when the batch handler has returned to the engine. */
  readonly handlerReturned: Promise<void>
  #abandoned!: () => void
  #handlerReturned!: () => void

  constructor(readonly batch: EngineBatch) {
    this.abandoned = new Promise((r) => {
      this.#abandoned = r
    })
    this.handlerReturned = new Promise((r) => {
      this.#handlerReturned = r
    })
  }

  abandon(reason: AbandonReason): void {
    if (this.abandonedFor) return
    this.abandonedFor = reason
    this.scheduler?.close()
    this.abort.abort(new Error(reason))
    this.#abandoned()
  }

  /** Called once, when the batch handler returns (whatever happened). */
  markHandlerReturned(): void {
    this.#handlerReturned()
  }
}
