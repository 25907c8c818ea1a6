/**
 * Tracks the offsets of one partition that were handed out and completed, possibly out of order
 * (key-ordered concurrency). Only the highest offset below which everything has completed is
 * committable, so a crash can only cause duplicates past the committed offset, never a loss.
 */
export class OffsetTracker {
  // Offsets started but not completed, and completed ones above the contiguous watermark.
  readonly #pending = new Set<bigint>()
  readonly #completedAhead = new Set<bigint>()
  #order: bigint[] = []
  #head = 0
  /** Next offset to commit (Kafka semantics: last done + 1); undefined before anything completed. */
  #committable: bigint | undefined

  /** Registers an offset as in flight; offsets must be tracked in increasing order. */
  track(offset: string | bigint): void {
    const o = BigInt(offset)
    const last = this.#order.length > this.#head ? this.#order[this.#order.length - 1] : undefined
    if (last !== undefined && o <= last) {
      throw new RangeError(`offsets must be tracked in increasing order: ${o} after ${last}`)
    }
    if (this.#committable !== undefined && o < this.#committable) {
      throw new RangeError(`offset ${o} is below the committable offset ${this.#committable}`)
    }
    this.#pending.add(o)
    this.#order.push(o)
  }

  /** Marks an offset done; returns the new committable offset when it moved, else undefined. */
  complete(offset: string | bigint): string | undefined {
    const o = BigInt(offset)
    if (!this.#pending.delete(o)) {
      throw new RangeError(`offset ${o} was not tracked or was already completed`)
    }
    this.#completedAhead.add(o)
    const before = this.#committable
    while (this.#head < this.#order.length) {
      const next = this.#order[this.#head] as bigint
      if (!this.#completedAhead.delete(next)) break
      this.#committable = next + 1n
      this.#head++
    }
    // Keep the array from growing without bound on long-lived partitions.
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head)
      this.#head = 0
    }
    return this.#committable !== before ? String(this.#committable) : undefined
  }

  /** Next offset to commit (last contiguous completed + 1), or undefined. */
  committable(): string | undefined {
    return this.#committable === undefined ? undefined : String(this.#committable)
  }

  /** Offsets tracked but not yet completed, lowest first. */
  inFlight(): string[] {
    return [...this.#pending].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String)
  }

  get inFlightCount(): number {
    return this.#pending.size
  }
}
