/**
 * Runs work items with up to `concurrency` at once while items that share a key run one after
 * another, in the order they were submitted (Confluent Parallel Consumer's KEY ordering). Items
 * with a null key are independent of each other.
 */
export class KeyOrderedScheduler<T> {
  readonly #concurrency: number
  readonly #work: (item: T) => Promise<void>
  readonly #keyOf: (item: T) => string | null
  // Per key, items waiting behind the one that runs; a key is present while one of its items runs.
  readonly #queues = new Map<string, T[]>()
  readonly #ready: T[] = []
  #running = 0
  #queued = 0
  #closed = false
  #idleWaiters: (() => void)[] = []
  #slotWaiters: (() => void)[] = []

  constructor(options: {
    concurrency: number
    keyOf: (item: T) => string | null
    work: (item: T) => Promise<void>
  }) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`concurrency must be an integer >= 1, got ${options.concurrency}`)
    }
    this.#concurrency = options.concurrency
    this.#work = options.work
    this.#keyOf = options.keyOf
  }

  /** Items submitted and not finished (queued or running). */
  get size(): number {
    return this.#queued + this.#running
  }

  get running(): number {
    return this.#running
  }

  /** Adds an item; it starts as soon as its key is free and a slot is. */
  submit(item: T): void {
    if (this.#closed) throw new Error('scheduler is closed')
    this.#queued++
    const key = this.#keyOf(item)
    if (key !== null) {
      const q = this.#queues.get(key)
      if (q) {
        q.push(item)
        return
      }
      this.#queues.set(key, [])
    }
    this.#ready.push(item)
    this.#pump()
  }

  /** Stops starting queued items (drain/revocation); running ones finish. Returns what never started. */
  close(): T[] {
    this.#closed = true
    const dropped = [...this.#ready]
    this.#ready.length = 0
    for (const q of this.#queues.values()) dropped.push(...q)
    this.#queues.clear()
    this.#queued = 0
    this.#notify()
    return dropped
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve()
    return new Promise((r) => this.#idleWaiters.push(r))
  }

  /** Resolves when fewer than `limit` items are queued or running (back-pressure for producers of work). */
  async belowLimit(limit: number): Promise<void> {
    while (this.size >= limit) await new Promise<void>((r) => this.#slotWaiters.push(r))
  }

  #pump(): void {
    while (!this.#closed && this.#running < this.#concurrency && this.#ready.length > 0) {
      const item = this.#ready.shift() as T
      this.#queued--
      this.#running++
      void this.#run(item)
    }
  }

  async #run(item: T): Promise<void> {
    try {
      await this.#work(item)
    } catch {
      // The work function owns its errors; the scheduler only keeps order.
    } finally {
      this.#running--
      const key = this.#keyOf(item)
      if (key !== null) {
        const q = this.#queues.get(key)
        const next = q?.shift()
        if (next !== undefined) this.#ready.push(next)
        else this.#queues.delete(key)
      }
      this.#pump()
      this.#notify()
    }
  }

  #notify(): void {
    const slot = this.#slotWaiters
    this.#slotWaiters = []
    for (const w of slot) w()
    if (this.size === 0 || (this.#closed && this.#running === 0)) {
      const idle = this.#idleWaiters
      this.#idleWaiters = []
      for (const w of idle) w()
    }
  }
}
