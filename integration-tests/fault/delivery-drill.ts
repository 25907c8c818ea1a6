import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import avsc from 'avsc'
import type { LoggedRecord } from './delivery-check'
import { endOffsets, kafka, readRaw } from './kafka-tools'

/** Shared parts of the producer fault drills: who leads a partition, the CLI run, the log read-back. */

export const drillKeyOf = (seq: number): string => `key${seq % 500}`

/** The Avro value of the CLI drill, as in the report that found the loss. */
export const tickSchema = {
  type: 'record',
  name: 'Tick',
  namespace: 'com.kafkit.drill',
  fields: [
    { name: 'k', type: 'string' },
    { name: 'seq', type: 'long' },
  ],
} as const

const tickType = avsc.Type.forSchema(tickSchema as unknown as avsc.Schema)

export async function leaderOf(
  brokers: readonly string[],
  topic: string,
  partition: number,
): Promise<number> {
  const admin = kafka(brokers).admin()
  await admin.connect()
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    const leader = meta.topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader
    if (leader === undefined || leader < 0) throw new Error(`${topic}[${partition}] has no leader`)
    return leader
  } finally {
    await admin.disconnect()
  }
}

/**
 * Reads the whole topic back and returns it with the end offsets. Values are either the seq as text
 * (library drill) or Confluent-framed Tick records (CLI drill).
 */
export async function readLog(
  brokers: readonly string[],
  topic: string,
  format: 'text' | 'tick',
): Promise<{ endOffsets: Map<number, bigint>; records: LoggedRecord[] }> {
  const ends = new Map([...(await endOffsets(brokers, topic))].map(([p, o]) => [p, BigInt(o)]))
  let total = 0
  for (const o of ends.values()) total += Number(o)
  const raw = await readRaw(brokers, topic, total, 180_000)
  const records = raw.map((r): LoggedRecord => {
    const value = r.value ?? Buffer.alloc(0)
    const seq =
      format === 'text'
        ? Number(value.toString())
        : Number((tickType.fromBuffer(value.subarray(5)) as { seq: number | bigint }).seq)
    return { partition: r.partition, offset: BigInt(r.offset), key: r.key?.toString() ?? '', seq }
  })
  return { endOffsets: ends, records }
}

export interface CliProgress {
  readonly sent: number
  readonly awaiting: number
  readonly inFlight: number
}

const bin = fileURLToPath(new URL('../../packages/cli/bin/kafkit.js', import.meta.url))

/**
 * Runs `kafkit produce` (the real binary) with `lines` piped in, and calls `onProgress` with each
 * progress line it prints (`--progress`), so the drill can kill a broker while records await
 * acknowledgement.
 */
export function runKafkitProduce(
  args: readonly string[],
  lines: () => Iterable<string>,
  onProgress: (p: CliProgress) => void,
): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [bin, 'produce', ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  let partial = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr += String(d)
    partial += String(d)
    const parts = partial.split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      const m = /^progress: sent (\d+) record\(s\), (\d+) awaiting acknowledgement \((\d+) in flight\)/.exec(
        line,
      )
      if (m) onProgress({ sent: Number(m[1]), awaiting: Number(m[2]), inFlight: Number(m[3]) })
    }
  })
  child.stdout?.resume()
  const done = (async () => {
    // Respect the pipe's back-pressure: the binary reads as fast as it sends.
    const stdin = child.stdin as NonNullable<ChildProcess['stdin']>
    stdin.on('error', () => {})
    let chunk = ''
    for (const line of lines()) {
      chunk += `${line}\n`
      if (chunk.length >= 64 * 1024) {
        if (!stdin.write(chunk)) await once(stdin, 'drain')
        chunk = ''
      }
    }
    stdin.end(chunk)
    const [code] = (await once(child, 'close')) as [number | null]
    return { code, stderr }
  })()
  return { child, done }
}
