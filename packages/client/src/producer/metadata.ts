import type { EngineAdmin } from '../engine/types'
import { ClientError } from '../errors'

/** Partition counts per topic, cached for `maxAgeMs` (partition counts only ever grow). */
export class PartitionCounts {
  readonly #admin: () => Promise<EngineAdmin>
  readonly #maxAgeMs: number
  readonly #cache = new Map<string, { count: number; at: number }>()

  constructor(admin: () => Promise<EngineAdmin>, maxAgeMs: number) {
    this.#admin = admin
    this.#maxAgeMs = maxAgeMs
  }

  async get(topic: string): Promise<number> {
    const hit = this.#cache.get(topic)
    if (hit && Date.now() - hit.at < this.#maxAgeMs) return hit.count
    const admin = await this.#admin()
    let count = 0
    try {
      const [described] = await admin.describeTopics([topic])
      count = described?.partitions.length ?? 0
    } catch (error) {
      const e = error as { type?: string; message?: string }
      if (e.type === 'UNKNOWN_TOPIC_OR_PARTITION' || /does not host this topic/.test(e.message ?? '')) {
        throw new ClientError(
          'KAFKIT_CLIENT_TOPIC_NOT_FOUND',
          `topic '${topic}' does not exist: declare it and run ensureTopics() (or create it) before sending`,
          { cause: error, details: { topic } },
        )
      }
      throw new ClientError(
        'KAFKIT_CLIENT_SEND_FAILED',
        `could not read metadata of topic '${topic}': ${e.message}`,
        {
          cause: error,
          details: { topic },
        },
      )
    }
    if (count === 0) {
      throw new ClientError(
        'KAFKIT_CLIENT_TOPIC_NOT_FOUND',
        `topic '${topic}' has no partitions (does it exist?)`,
        {
          details: { topic },
        },
      )
    }
    this.#cache.set(topic, { count, at: Date.now() })
    return count
  }
}
