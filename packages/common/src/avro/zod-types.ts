import { z } from 'zod'
import {
  type DecimalParams,
  decimalToUnscaled,
  isoDateToDays,
  isUuid,
  MAX_BIGINT_LONG,
  MAX_SAFE_LONG,
  MIN_BIGINT_LONG,
} from './values'

/*
 * zod schemas for Avro values where zod's built-ins and avsc disagree (zod's number rejects NaN and
 * Infinity, avsc's float/double accept them; avsc's long stops at ±9007199254740990). Generated code
 * composes these, so `validator` accepts exactly what `type.isValid` accepts.
 */

const int = z.int32()
const long = z.int().min(-MAX_SAFE_LONG).max(MAX_SAFE_LONG)
const bigLong = z.bigint().min(MIN_BIGINT_LONG).max(MAX_BIGINT_LONG)
const anyNumber = z.custom<number>((v) => typeof v === 'number', { message: 'Expected a number' })
const buffer = z.custom<Buffer>((v) => Buffer.isBuffer(v), { message: 'Expected a Buffer' })
const validDate = z.custom<Date>((v) => v instanceof Date && !Number.isNaN(v.getTime()), {
  message: 'Expected a valid Date',
})
const micros = validDate.refine((d) => Math.abs(d.getTime() * 1000) <= MAX_SAFE_LONG, {
  message: 'Date out of range for timestamp-micros as a number long',
})
const isoDate = z
  .string()
  .refine((s) => isoDateToDays(s) !== undefined, { message: 'Expected a calendar date YYYY-MM-DD' })
const uuid = z.string().refine(isUuid, { message: 'Expected a UUID (8-4-4-4-12 hex digits)' })

export const avroZod = {
  int: () => int,
  long: () => long,
  bigLong: () => bigLong,
  float: () => anyNumber,
  double: () => anyNumber,
  bytes: () => buffer,
  fixed: (size: number) =>
    buffer.refine((b) => b.length === size, { message: `Expected a Buffer of exactly ${size} bytes` }),
  timestampMillis: () => validDate,
  timestampMicros: () => micros,
  date: () => isoDate,
  uuid: () => uuid,
  decimal: (params: DecimalParams) => {
    const { precision, scale, size } = params
    return z.string().refine((s) => decimalToUnscaled(s, { precision, scale, size }) !== undefined, {
      message: `Expected a decimal string with at most ${precision} digits, ${scale} after the point`,
    })
  },
}
