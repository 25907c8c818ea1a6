export interface WindowTotal {
  readonly key: string
  readonly windowStart: Date
  readonly windowEnd: Date
  readonly count: number
}

/**
 * Counts per key per tumbling event-time window. A window is emitted once the watermark (the
 * latest event time seen) passes its end plus the allowed lateness; events for a window already
 * emitted are counted as `late` and dropped. One watermark suits one ordered partition; with
 * several, take the minimum of the partitions' watermarks.
 */
export class TumblingWindowCounter {
  readonly #sizeMs: number
  readonly #latenessMs: number
  readonly #open = new Map<number, Map<string, number>>()
  #watermark = Number.NEGATIVE_INFINITY
  #closedUpTo = Number.NEGATIVE_INFINITY
  late = 0

  constructor(options: { sizeMs: number; allowedLatenessMs?: number }) {
    if (!Number.isInteger(options.sizeMs) || options.sizeMs <= 0)
      throw new RangeError('sizeMs must be a positive integer')
    this.#sizeMs = options.sizeMs
    this.#latenessMs = options.allowedLatenessMs ?? 0
  }

  /** Adds one event; returns the windows this event's time closed (ready to publish). */
  add(key: string, at: Date): WindowTotal[] {
    const t = at.getTime()
    const start = t - (((t % this.#sizeMs) + this.#sizeMs) % this.#sizeMs)
    if (start < this.#closedUpTo) {
      this.late += 1
    } else {
      const counts = this.#open.get(start) ?? new Map<string, number>()
      counts.set(key, (counts.get(key) ?? 0) + 1)
      this.#open.set(start, counts)
    }
    this.#watermark = Math.max(this.#watermark, t)
    return this.#close((start) => start + this.#sizeMs + this.#latenessMs <= this.#watermark)
  }

  /** End of input: every open window. */
  flush(): WindowTotal[] {
    return this.#close(() => true)
  }

  #close(ready: (start: number) => boolean): WindowTotal[] {
    const out: WindowTotal[] = []
    for (const start of [...this.#open.keys()].sort((a, b) => a - b)) {
      if (!ready(start)) continue
      for (const [key, count] of [...this.#open.get(start)!].sort(([a], [b]) => a.localeCompare(b))) {
        out.push({ key, windowStart: new Date(start), windowEnd: new Date(start + this.#sizeMs), count })
      }
      this.#open.delete(start)
      this.#closedUpTo = Math.max(this.#closedUpTo, start + this.#sizeMs)
    }
    return out
  }
}
