import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { EngineHeaders, EngineRecord } from '../engine/types'
import { ClientError } from '../errors'
import {
  connectionShape,
  engineOf,
  engineWithBrokers,
  functionOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
} from '../options-util'
import { partitionForKey } from '../partitioners'
import { reliableEngineProducer } from '../producer/delivery'
import { DLT_HEADERS } from './dead-letter'

/** Header a replayed record carries: where it came from (`<dlt topic>/<partition>@<offset>`). */
export const REPLAYED_FROM_HEADER = 'kafkit-replayed-from'

export interface ReplayFilter {
  /** A DLT header name without the `kafkit-dlt-` prefix (`error-class`, `original-partition`, ...), or `key`. */
  readonly field: string
  readonly value: string
}

export interface ReplayedRecord {
  readonly from: { readonly partition: number; readonly offset: string }
  readonly to: { readonly topic: string; readonly partition: number }
  readonly key: string | null
  readonly errorClass: string | undefined
  readonly errorMessage: string | undefined
}

export interface ReplayResult {
  readonly scanned: number
  readonly replayed: number
  readonly skipped: number
  readonly records: readonly ReplayedRecord[]
}

/** Parses `field=value` filter flags, with a typed error naming the bad one. */
export function parseReplayFilter(text: string): ReplayFilter {
  const i = text.indexOf('=')
  if (i <= 0) {
    throw new ClientError(
      'KAFKIT_INVALID_OPTIONS',
      `filter '${text}' is not field=value (e.g. error-class=FatalError, original-partition=2, key=order-1)`,
    )
  }
  return { field: text.slice(0, i).trim(), value: text.slice(i + 1) }
}

const FILTER_FIELDS = new Set([
  'key',
  ...Object.values(DLT_HEADERS).map((h) => h.slice('kafkit-dlt-'.length)),
])

const replayFilterSchema = z
  .object({
    /** A DLT header name without the `kafkit-dlt-` prefix (`error-class`, `original-partition`, ...), or `key`. */
    field: z.string().refine((f) => FILTER_FIELDS.has(f), {
      error: (issue) =>
        `unknown filter field '${String(issue.input)}': use one of ${[...FILTER_FIELDS].join(', ')}`,
    }),
    value: z.string(),
  })
  .strict()

export const replayOptionsSchema = z
  .object({
    ...connectionShape,
    /** The dead-letter topic to read (from the beginning up to its end when the replay starts). */
    deadLetterTopic: z.string().min(1, 'deadLetterTopic is required'),
    /** Target topic; default: each record's `kafkit-dlt-original-topic` header. */
    to: z.string().min(1).optional(),
    /** All must match (exact string comparison). */
    filters: z.array(replayFilterSchema).readonly().default([]),
    /** List what would be replayed, send nothing. */
    dryRun: z.boolean().default(false),
    onRecord: functionOption<(r: ReplayedRecord) => void>('onRecord').optional(),
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)

/** Options of `replayDeadLetters`, derived from the schema that validates them. */
export type ReplayOptions = OptionsInput<typeof replayOptionsSchema>

function fieldOf(record: EngineRecord, field: string): string | undefined {
  if (field === 'key') return record.key?.toString('utf8')
  return record.headers[`kafkit-dlt-${field}`]?.toString('utf8')
}

/**
 * Re-drives dead letters: reads a dead-letter topic up to its current end and sends each matching
 * record's original key and value bytes (and its own headers, minus the kafkit-dlt ones) to the
 * original topic, or to `to`. Records keep their original partition when the target is the original
 * topic; otherwise they are partitioned by key (Java-compatible murmur2).
 */
export async function replayDeadLetters(input: ReplayOptions): Promise<ReplayResult> {
  const options = parseOptions(replayOptionsSchema, input, 'replay')
  const engine = engineOf(options)
  const admin = engine.admin()
  await admin.connect()
  let ends: Map<number, bigint>
  const partitionCounts = new Map<string, number>()
  const partitionsOf = async (topic: string): Promise<number> => {
    const known = partitionCounts.get(topic)
    if (known !== undefined) return known
    const [d] = await admin.describeTopics([topic])
    if (!d) {
      throw new ClientError('KAFKIT_CLIENT_TOPIC_NOT_FOUND', `target topic '${topic}' does not exist`, {
        details: { topic },
      })
    }
    partitionCounts.set(topic, d.partitions.length)
    return d.partitions.length
  }
  const producer = reliableEngineProducer(engine)
  const records: ReplayedRecord[] = []
  let scanned = 0
  let skipped = 0
  try {
    if (!admin.endOffsets) {
      throw new ClientError('KAFKIT_CLIENT_ADMIN_FAILED', `engine '${engine.name}' cannot read end offsets`)
    }
    if ((await admin.describeTopics([options.deadLetterTopic])).length === 0) {
      throw new ClientError(
        'KAFKIT_CLIENT_TOPIC_NOT_FOUND',
        `dead-letter topic '${options.deadLetterTopic}' does not exist`,
        { details: { topic: options.deadLetterTopic } },
      )
    }
    ends = new Map(
      (await admin.endOffsets(options.deadLetterTopic)).map((e) => [e.partition, BigInt(e.offset)]),
    )
    const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p))
    if (remaining.size === 0) return { scanned: 0, replayed: 0, skipped: 0, records: [] }
    if (!options.dryRun) await producer.connect()
    const consumer = engine.consumer({
      groupId: `kafkit-dlt-replay-${randomBytes(4).toString('hex')}`,
      sessionTimeoutMs: 30_000,
      heartbeatIntervalMs: 3_000,
      maxBytesPerPartition: 1_048_576,
      restartOnFailure: () => false,
      onCrash: (error) => fail(error),
    })
    let fail!: (e: Error) => void
    let finish!: () => void
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve
      fail = reject
    })
    await consumer.connect()
    try {
      await consumer.subscribe({ topics: [options.deadLetterTopic], fromBeginning: true })
      await consumer.run({
        partitionsConsumedConcurrently: 1,
        eachBatch: async (batch) => {
          try {
            const end = ends.get(batch.partition) ?? 0n
            for (const r of batch.records) {
              if (BigInt(r.offset) >= end) break
              scanned++
              const matches = options.filters.every((f) => fieldOf(r, f.field) === f.value)
              if (!matches) {
                skipped++
              } else {
                const original = r.headers[DLT_HEADERS.originalTopic]?.toString('utf8')
                const target = options.to ?? original
                if (!target) {
                  throw new ClientError(
                    'KAFKIT_INVALID_OPTIONS',
                    `record ${batch.partition}@${r.offset} has no ${DLT_HEADERS.originalTopic} header: pass --to`,
                  )
                }
                const count = await partitionsOf(target)
                const originalPartition = Number(r.headers[DLT_HEADERS.originalPartition]?.toString('utf8'))
                const partition =
                  target === original && Number.isInteger(originalPartition) && originalPartition < count
                    ? originalPartition
                    : r.key
                      ? partitionForKey(r.key, count)
                      : r.partition % count
                const headers: EngineHeaders = {}
                for (const [k, v] of Object.entries(r.headers))
                  if (!k.startsWith('kafkit-dlt-')) headers[k] = v
                headers[REPLAYED_FROM_HEADER] = `${options.deadLetterTopic}/${batch.partition}@${r.offset}`
                if (!options.dryRun) {
                  await producer.send([
                    { topic: target, messages: [{ key: r.key, value: r.value, partition, headers }] },
                  ])
                }
                const rec: ReplayedRecord = {
                  from: { partition: batch.partition, offset: r.offset },
                  to: { topic: target, partition },
                  key: r.key?.toString('utf8') ?? null,
                  errorClass: r.headers[DLT_HEADERS.errorClass]?.toString('utf8'),
                  errorMessage: r.headers[DLT_HEADERS.errorMessage]?.toString('utf8'),
                }
                records.push(rec)
                options.onRecord?.(rec)
              }
              batch.resolveOffset(r.offset)
              if (BigInt(r.offset) + 1n >= end) remaining.delete(batch.partition)
            }
            if (remaining.size === 0) finish()
          } catch (error) {
            fail(error as Error)
          }
        },
      })
      await done
    } finally {
      await consumer.disconnect().catch(() => {})
    }
  } finally {
    await producer.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
  }
  return { scanned, replayed: records.length, skipped, records }
}
