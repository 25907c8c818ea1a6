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
