import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { EngineRecord } from '../engine/types'
import { ClientError } from '../errors'
import {
  connectionShape,
  engineOf,
  engineWithBrokers,
  loggerOption,
  type OptionsInput,
  oneConnection,
  parseOptions,
  registryOption,
} from '../options-util'
import { SchemaCache } from '../serdes/avro'
import { avroToJson, type GenericAvroSchema, genericAvroSchema } from '../serdes/json-form'
import type { SchemaRegistry } from '../serdes/registry'
import { unframe } from '../serdes/wire-format'

export const consumeJsonLinesOptionsSchema = z
  .object({
    ...connectionShape,
    /** Needed to decode Confluent-framed Avro; without it framed payloads print as base64. */
    registry: registryOption(['getSchemaById']),
    topic: z.string().min(1, 'topic is required'),
    fromBeginning: z.boolean().default(false),
    /** Stop after this many records. */
    max: z.number().int().min(0).optional(),
    /** Consumer group (default: a new random group, so nothing is committed for others). */
    groupId: z.string().min(1).optional(),
    /** Stop when no record arrived for this long (default: run until `signal` aborts). */
    timeoutMs: z.number().int().min(0).optional(),
    signal: z
      .custom<AbortSignal>((v) => v instanceof AbortSignal, 'signal must be an AbortSignal')
      .optional(),
    logger: loggerOption,
    /** Add each record's headers (`headers: { name: text }`), e.g. to see why a record was dead-lettered. */
    headers: z.boolean().default(false),
  })
  .strict()
  .refine(...oneConnection)
  .refine(...engineWithBrokers)

/** Options of `consumeJsonLines`, derived from the schema that validates them. */
export type ConsumeJsonLinesOptions = OptionsInput<typeof consumeJsonLinesOptionsSchema>

/** One printed record: the documented console consumer output. */
export interface JsonLineRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: string
  readonly timestamp: string
  readonly key: unknown
  readonly value: unknown
  /** Writer schema id of the value when it is Confluent-framed Avro, else null. */
  readonly schemaId: number | null
  /** Present when the record could not be decoded (its value is then shown raw). */
  readonly error?: string
  /** With the `headers` option: each header as UTF-8 text (base64 when it is not text), null when empty. */
  readonly headers?: Record<string, string | null>
}

/**
 * The console consumer: decodes any Confluent-framed Avro with the writer schema fetched from the
 * registry (not only what Kafkit wrote) into the JSON form, and hands each record to `onRecord`.
 */
export async function consumeJsonLines(
  onRecord: (record: JsonLineRecord) => void,
  input: ConsumeJsonLinesOptions,
): Promise<{ count: number }> {
  const options = parseOptions(consumeJsonLinesOptionsSchema, input, 'consumeJsonLines')
  const engine = engineOf(options, 'kafkit-console-consumer')
  const { registry } = options
  const decoder = new GenericDecoder(registry)
  const max = options.max ?? Number.POSITIVE_INFINITY
  if (max <= 0 || options.signal?.aborted) return { count: 0 }
  let count = 0
  let finish!: (error?: Error) => void
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve())
  })
  let idle: NodeJS.Timeout | undefined
  const armIdle = () => {
    if (options.timeoutMs === undefined) return
    clearTimeout(idle)
    idle = setTimeout(() => finish(), options.timeoutMs)
  }
  const consumer = engine.consumer({
    groupId: options.groupId ?? `kafkit-console-${randomBytes(6).toString('hex')}`,
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    maxBytesPerPartition: 1_048_576,
    restartOnFailure: () => false,
    onCrash: (error) => finish(error),
  })
  const onAbort = () => finish()
  options.signal?.addEventListener('abort', onAbort)
  try {
    await consumer.connect()
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning })
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      eachBatch: async (batch) => {
        for (const record of batch.records) {
          if (count >= max || !batch.isActive()) return
          onRecord(await decoder.decode(record, { headers: options.headers }))
          count++
          batch.resolveOffset(record.offset)
          armIdle()
          if (count >= max) {
            finish()
            return
          }
        }
        await batch.commitOffsetsIfNecessary()
      },
    })
    armIdle()
    await finished
  } catch (error) {
    if (error instanceof ClientError) throw error
    throw new ClientError(
      'KAFKIT_CLIENT_CONSUMER_FAILED',
      `console consumer failed: ${(error as Error).message}`,
      { cause: error },
    )
  } finally {
    clearTimeout(idle)
    options.signal?.removeEventListener('abort', onAbort)
    await consumer.disconnect().catch(() => {})
  }
  return { count }
}

/** Decodes any record: Confluent-framed Avro through the registry, else UTF-8 text, else base64. */
export class GenericDecoder {
  readonly #cache: SchemaCache | undefined
  readonly #schemas = new Map<number, Promise<GenericAvroSchema>>()

  constructor(registry: SchemaRegistry | undefined) {
    this.#cache = registry ? new SchemaCache(registry) : undefined
  }

  async decode(record: EngineRecord, options: { headers?: boolean } = {}): Promise<JsonLineRecord> {
    const base = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
    }
    const errors: string[] = []
    const key = await this.#side(record.key, errors)
    const value = await this.#side(record.value, errors)
    return {
      ...base,
      key: key.json,
      value: value.json,
      schemaId: value.schemaId,
      ...(errors.length > 0 ? { error: errors.join('; ') } : {}),
      ...(options.headers ? { headers: headersAsText(record.headers) } : {}),
    }
  }

  async #side(data: Buffer | null, errors: string[]): Promise<{ json: unknown; schemaId: number | null }> {
    if (data === null) return { json: null, schemaId: null }
    if (this.#cache && data.length >= 5 && data[0] === 0) {
      const { schemaId, payload } = unframe(data)
      try {
        const g = await this.#schema(schemaId)
        return { json: avroToJson(g, g.type.fromBuffer(payload)), schemaId }
      } catch (error) {
        errors.push((error as Error).message)
        return { json: data.toString('base64'), schemaId }
      }
    }
    const text = data.toString('utf8')
    return { json: Buffer.from(text, 'utf8').equals(data) ? text : data.toString('base64'), schemaId: null }
  }

  #schema(id: number): Promise<GenericAvroSchema> {
    let p = this.#schemas.get(id)
    if (!p) {
      p = this.#cache!.schemaText(id).then((text) => genericAvroSchema(JSON.parse(text)))
      p.catch(() => this.#schemas.delete(id))
      this.#schemas.set(id, p)
    }
    return p
  }
}

function headersAsText(headers: Readonly<Record<string, Buffer | undefined>>): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) out[name] = null
    else {
      const text = value.toString('utf8')
      out[name] = Buffer.from(text, 'utf8').equals(value) ? text : value.toString('base64')
    }
  }
  return out
}
