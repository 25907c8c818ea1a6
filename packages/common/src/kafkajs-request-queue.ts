interface RequestQueueInternals {
  pending: unknown[]
  scheduleCheckPendingRequests(this: RequestQueueInternals): void
}

const FIXED = Symbol.for('kafkit.kafkajs.requestQueueFixed')

/**
 * kafkajs 2.2.4 (issue #1751): after every request its queue schedules a pending-requests check
 * `throttledUntil - now` ms ahead, even with nothing pending and `throttledUntil` = -1. Node 24+
 * warns `TimeoutNegativeWarning` for that timer, and it re-arms itself every millisecond until the
 * connection closes. With nothing pending there is nothing to check: `push()` schedules again when a
 * request has to wait. Every package that uses kafkajs passes its copy of the queue class
 * (`kafkajs/src/network/requestQueue/index.js`); idempotent, applied once per loaded copy.
 */
export function fixKafkajsRequestQueue(requestQueue: unknown): void {
  const proto = (requestQueue as { prototype?: RequestQueueInternals } | undefined)?.prototype
  if (!proto || typeof proto.scheduleCheckPendingRequests !== 'function') return
  const marked = proto as unknown as Record<symbol, boolean>
  if (marked[FIXED]) return
  const original = proto.scheduleCheckPendingRequests
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals) {
    if (Array.isArray(this.pending) && this.pending.length === 0) return
    original.call(this)
  }
  marked[FIXED] = true
}
