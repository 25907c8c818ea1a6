import avro from 'avsc'
import { MAX_BIGINT_LONG, MIN_BIGINT_LONG } from './values'

/** How Avro `long` is represented: JS number (avsc's default, safe integers only) or bigint (full int64). */
export type LongMode = 'number' | 'bigint'

function isBigLong(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= MIN_BIGINT_LONG && value <= MAX_BIGINT_LONG
}

/**
 * avsc `long` as bigint. Built once: the type is frozen and stateless, so every schema can share it.
 * JSON (defaults) accepts numbers and integer strings; `toJSON` gives a number only when it is exact.
 */
export const bigintLongType: avro.Type = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8)
    buf.writeBigInt64LE(n, 0)
    return buf
  },
  fromJSON: (json: unknown) => {
    if (typeof json === 'bigint') return json
    if (
      (typeof json === 'number' && Number.isInteger(json)) ||
      (typeof json === 'string' && /^-?\d+$/.test(json))
    ) {
      const n = BigInt(json)
      if (isBigLong(n)) return n
    }
    throw new Error(`not a long: ${String(json)}`)
  },
  toJSON: (n: bigint) =>
    n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString(),
  isValid: isBigLong,
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
}) as unknown as avro.Type
