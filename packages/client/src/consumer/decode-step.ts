import type { AvroSerdeDescriptor, SerdeDescriptor, TopicDescriptor } from '@kafkit/common'
import type { EngineRecord } from '../engine/types'
import { ClientError } from '../errors'
import { AvroDecoder, SchemaCache } from '../serdes/avro'
import type { SchemaRegistry } from '../serdes/registry'
import { validationError } from '../serdes/validate'
import { KEY_SCHEMA_ID_HEADER, VALUE_SCHEMA_ID_HEADER } from '../serdes/wire-format'
import type { ConsumerMessage, InvalidRecord, InvalidStage } from './types'

export type DecodeOutcome<T extends TopicDescriptor> =
  | { readonly ok: true; readonly message: ConsumerMessage<T> }
  | { readonly ok: false; readonly invalid: InvalidRecord }

type Decoded = { value: unknown; schemaId?: number | undefined }
// Sync when it can be (cached writer schema, string/bytes keys): the hot loop skips a promise per record.
type SideDecoder = (data: Buffer | null, headers: EngineRecord['headers']) => Decoded | Promise<Decoded>

/**
 * The first step of the per-record pipeline: raw bytes to a typed message, or an `InvalidRecord`
 * (never a throw) so the policy step decides what happens. Usable on its own, e.g. by a retry or
 * dead-letter consumer re-reading records.
 */
export function createDecodeStep<T extends TopicDescriptor>(
  topics: readonly T[],
  options: { registry?: SchemaRegistry | undefined; validate?: boolean | undefined },
): (record: EngineRecord) => Promise<DecodeOutcome<T>> {
  const cache = options.registry ? new SchemaCache(options.registry) : undefined
  const decoders = new Map<string, { topic: T; key: SideDecoder; value: SideDecoder }>()
  for (const t of topics) {
    decoders.set(t.name, {
      topic: t,
      key: sideDecoder(t.name, 'key', t.key, cache),
      value: sideDecoder(t.name, 'value', t.value, cache),
    })
  }
  return async (record) => {
    const d = decoders.get(record.topic)
    const invalid = (stage: InvalidStage, error: unknown): DecodeOutcome<T> => ({
      ok: false,
      invalid: {
        ...record,
        stage,
        error:
          error instanceof ClientError
            ? error
            : new ClientError('KAFKIT_CLIENT_DECODE_FAILED', (error as Error).message, { cause: error }),
      },
    })
    if (!d) {
      return invalid(
        'value',
        new ClientError(
          'KAFKIT_CLIENT_UNKNOWN_TOPIC',
          `record from topic '${record.topic}' has no descriptor`,
        ),
      )
    }
    let key: Decoded
    let value: Decoded
    try {
      const k = d.key(record.key, record.headers)
      key = k instanceof Promise ? await k : k
    } catch (error) {
      return invalid('key', error)
    }
    try {
      const v = d.value(record.value, record.headers)
      value = v instanceof Promise ? await v : v
    } catch (error) {
      return invalid('value', error)
    }
    if (options.validate) {
      for (const side of ['key', 'value'] as const) {
        const serde = d.topic[side] as SerdeDescriptor
        if (serde.kind !== 'avro') continue
        const got = side === 'key' ? key : value
        const result = serde.validator.safeParse(got.value)
        if (!result.success) {
          return invalid(
            'validate',
            validationError(
              record.topic,
              side,
              result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
            ),
          )
        }
        got.value = result.data
      }
    }
    const message = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestamp: record.timestamp,
      key: key.value,
      value: value.value,
      headers: record.headers,
      keySchemaId: key.schemaId,
      valueSchemaId: value.schemaId,
    } as unknown as ConsumerMessage<T>
    return { ok: true, message }
  }
}

function sideDecoder(
  topic: string,
  side: 'key' | 'value',
  serde: SerdeDescriptor,
  cache: SchemaCache | undefined,
): SideDecoder {
  switch (serde.kind) {
    case 'avro': {
      if (!cache) {
        throw new ClientError(
          'KAFKIT_INVALID_OPTIONS',
          `topic '${topic}' has an Avro ${side}: pass \`registry\` to createConsumer`,
          { details: { topic, side } },
        )
      }
      const decoder = new AvroDecoder(serde as AvroSerdeDescriptor<unknown, unknown>, cache)
      // Confluent 8 serializers may name the schema in a header instead of a payload prefix.
      const headerName = side === 'key' ? KEY_SCHEMA_ID_HEADER : VALUE_SCHEMA_ID_HEADER
      return (data, headers) => {
        if (data === null) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `record has no ${side} (null${side === 'value' ? ', a tombstone' : ''}) but topic '${topic}' declares an Avro ${side}`,
            { details: { reason: `null-${side}`, topic } },
          )
        }
        const header = headers?.[headerName]
        return decoder.decodeCached(data, header) ?? decoder.decode(data, header)
      }
    }
    case 'string':
      return (data) => {
        if (data === null) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `record has a null ${side}; topic '${topic}' declares a string ${side}`,
            {
              details: { reason: `null-${side}`, topic },
            },
          )
        }
        return { value: data.toString('utf8'), schemaId: undefined }
      }
    case 'bytes':
      return (data) => {
        if (data === null) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `record has a null ${side}; topic '${topic}' declares a bytes ${side}`,
            {
              details: { reason: `null-${side}`, topic },
            },
          )
        }
        return { value: data, schemaId: undefined }
      }
    case 'null':
      // Whatever the bytes, a topic declared keyless reads its key as null.
      return () => ({ value: null, schemaId: undefined })
  }
}
