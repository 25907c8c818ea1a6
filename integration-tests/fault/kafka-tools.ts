import { randomBytes } from 'node:crypto'
import { createKafkajsEngine } from '@kafkit/client/engine'
import kafkajs, { type Kafka } from 'kafkajs'

/** Small raw-Kafka helpers for the fault and helper tests (reading what landed, group offsets). */

const { Kafka: KafkaClass, logLevel } = kafkajs

export const suffix = (): string => randomBytes(4).toString('hex')

export function kafka(brokers: readonly string[]): Kafka {
  return new KafkaClass({ clientId: 'kafkit-fault-tests', brokers: [...brokers], logLevel: logLevel.NOTHING })
}

export interface RawRecord {
  topic: string
  partition: number
  offset: string
  key: Buffer | null
  value: Buffer | null
  headers: Record<string, string>
}

/** Reads a topic from the beginning with a throw-away group until `count` records arrived. */
export async function readRaw(
  brokers: readonly string[],
  topic: string,
  count: number,
  timeoutMs = 60_000,
  options: { readUncommitted?: boolean; until?: (records: RawRecord[]) => boolean } = {},
): Promise<RawRecord[]> {
  const consumer = kafka(brokers).consumer({
    groupId: `reader-${suffix()}`,
    readUncommitted: options.readUncommitted ?? false,
  })
  const enoughNow = () => (options.until ? options.until(out) : out.length >= count)
  const out: RawRecord[] = []
  await consumer.connect()
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    let done!: () => void
    const enough = new Promise<void>((r) => {
      done = r
    })
    if (enoughNow()) done()
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          if (v !== undefined) headers[k] = Array.isArray(v) ? String(v.at(-1)) : String(v)
        }
        out.push({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers,
        })
        if (enoughNow()) done()
      },
    })
    await waitFor(enoughNow, timeoutMs, () => `read ${out.length}/${count} from ${topic}`)
    await enough
  } finally {
    await consumer.disconnect()
  }
  return out
}

/** Committed offsets of a group on a topic, partition -> next offset ('-1' when none). */
export async function committedOffsets(
  brokers: readonly string[],
  groupId: string,
  topic: string,
): Promise<Map<number, string>> {
  const admin = kafka(brokers).admin()
  await admin.connect()
  try {
    const res = await admin.fetchOffsets({ groupId, topics: [topic] })
    return new Map((res[0]?.partitions ?? []).map((p) => [p.partition, p.offset]))
  } finally {
    await admin.disconnect()
  }
}

export async function endOffsets(brokers: readonly string[], topic: string): Promise<Map<number, string>> {
  const admin = kafka(brokers).admin()
  await admin.connect()
  try {
    const res = await admin.fetchTopicOffsets(topic)
    return new Map(res.map((p) => [p.partition, p.high]))
  } finally {
    await admin.disconnect()
  }
}

export async function createTopic(
  brokers: readonly string[],
  topic: string,
  partitions: number,
  replicationFactor = 1,
  configs: Record<string, string> = {},
): Promise<void> {
  // The engine admin waits for leaders by polling metadata (kafkajs' own wait gives up too early).
  const admin = createKafkajsEngine({ brokers }).admin()
  await admin.connect()
  try {
    await admin.createTopics([{ name: topic, partitions, replicationFactor, configs }])
  } finally {
    await admin.disconnect()
  }
}

export async function deleteTopics(brokers: readonly string[], topics: string[]): Promise<void> {
  const admin = kafka(brokers).admin()
  await admin.connect()
  try {
    const existing = new Set(await admin.listTopics())
    const drop = topics.filter((t) => existing.has(t))
    if (drop.length > 0) await admin.deleteTopics({ topics: drop })
  } catch {
    // Best effort: the cluster is stopped or the topics are gone.
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/** Polls until `ok()` (a wait, not a timing assertion: the timeout only turns a hang into a failure). */
export async function waitFor(ok: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string) {
  const deadline = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
