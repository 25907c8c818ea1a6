import { ClientError } from '../errors'

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the
 * serialized payload (Avro binary). Identical to Confluent's Java/Python serializers.
 */
export const MAGIC_BYTE = 0
export const HEADER_SIZE = 5

export function frame(schemaId: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_SIZE + payload.length)
  out[0] = MAGIC_BYTE
  out.writeInt32BE(schemaId, 1)
  payload.copy(out, HEADER_SIZE)
  return out
}

export interface Unframed {
  readonly schemaId: number
  readonly payload: Buffer
}

export function unframe(data: Buffer): Unframed {
  if (data.length < HEADER_SIZE || data[0] !== MAGIC_BYTE) {
    const why =
      data.length < HEADER_SIZE
        ? `it is ${data.length} bytes long, shorter than the 5-byte header`
        : `its first byte is ${data[0]}, not the magic byte 0`
    throw new ClientError(
      'KAFKIT_CLIENT_DECODE_FAILED',
      `data is not in the Confluent wire format: ${why} (was it written by a Confluent-compatible Avro serializer?)`,
      { details: { reason: 'not-framed', length: data.length } },
    )
  }
  return { schemaId: data.readInt32BE(1), payload: data.subarray(HEADER_SIZE) }
}

/**
 * Confluent 8's GUID formats (read by default by the 2026 Confluent deserializers): magic byte 1 and the
 * schema's 16-byte GUID before the payload, or the same 17 bytes in a record header (`__value_schema_id`,
 * `__key_schema_id`) with the bare payload as the record value. Either form may also carry magic 0 and an id.
 */
export const MAGIC_BYTE_GUID = 1
export const GUID_HEADER_SIZE = 17
export const KEY_SCHEMA_ID_HEADER = '__key_schema_id'
export const VALUE_SCHEMA_ID_HEADER = '__value_schema_id'

/** Which schema a payload was written with: a registry id (magic 0) or a schema GUID (magic 1). */
export type SchemaRef =
  | { readonly schemaId: number; readonly guid?: undefined }
  | { readonly guid: string; readonly schemaId?: undefined }

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The 16 bytes of a GUID written as a UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`). */
export function guidToBytes(guid: string): Buffer {
  const text = guid.toLowerCase()
  if (!GUID_TEXT.test(text)) {
    throw new ClientError(
      'KAFKIT_CLIENT_ENCODE_FAILED',
      `'${guid.slice(0, 60)}' is not a schema GUID: expected a UUID such as 3f2b1c0e-8d7a-4b6c-9e5f-1a2b3c4d5e6f (the "guid" a Confluent 8 registry answers with)`,
      { details: { reason: 'bad-guid' } },
    )
  }
  return Buffer.from(text.replaceAll('-', ''), 'hex')
}

export function guidFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** Magic byte 1, the 16-byte GUID, then the payload: Confluent's GUID payload prefix. */
export function frameGuid(guid: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.of(MAGIC_BYTE_GUID), guidToBytes(guid), payload])
}

/** The value of a `__value_schema_id` / `__key_schema_id` header for a schema. */
export function schemaIdHeader(ref: SchemaRef): Buffer {
  if (ref.guid !== undefined) return Buffer.concat([Buffer.of(MAGIC_BYTE_GUID), guidToBytes(ref.guid)])
  const out = Buffer.alloc(HEADER_SIZE)
  out[0] = MAGIC_BYTE
  out.writeInt32BE(ref.schemaId, 1)
  return out
}

function notFramed(data: Buffer, where: string): ClientError {
  const why =
    data.length === 0
      ? 'it is empty'
      : data[0] === MAGIC_BYTE || data[0] === MAGIC_BYTE_GUID
        ? `it is ${data.length} bytes long, shorter than its ${data[0] === MAGIC_BYTE ? 5 : 17}-byte header`
        : `its first byte is ${data[0]}, not the magic byte 0 (schema id) or 1 (schema GUID)`
  return new ClientError(
    'KAFKIT_CLIENT_DECODE_FAILED',
    `${where} is not in a Confluent wire format: ${why} (was it written by a Confluent-compatible Avro serializer?)`,
    { details: { reason: 'not-framed', length: data.length } },
  )
}

/** Reads a schema reference (id or GUID) from the front of `data`; `size` is how many bytes it took. */
export function readSchemaRef(data: Buffer, where = 'data'): { ref: SchemaRef; size: number } {
  if (data[0] === MAGIC_BYTE && data.length >= HEADER_SIZE) {
    return { ref: { schemaId: data.readInt32BE(1) }, size: HEADER_SIZE }
  }
  if (data[0] === MAGIC_BYTE_GUID && data.length >= GUID_HEADER_SIZE) {
    return { ref: { guid: guidFromBytes(data.subarray(1, GUID_HEADER_SIZE)) }, size: GUID_HEADER_SIZE }
  }
  throw notFramed(data, where)
}

/**
 * Splits a record into the schema it names and its payload, in any of Confluent's formats: the schema-id
 * header (when given) wins, as in Confluent's DualSchemaIdDeserializer; else the id or GUID prefix.
 */
export function unframeAny(
  data: Buffer,
  header?: Buffer | string | null,
): { ref: SchemaRef; payload: Buffer } {
  if (header !== undefined && header !== null) {
    const bytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : header
    return { ref: readSchemaRef(bytes, 'the schema-id header').ref, payload: data }
  }
  const { ref, size } = readSchemaRef(data)
  return { ref, payload: data.subarray(size) }
}
