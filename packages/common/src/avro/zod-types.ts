import { type ZodType, z } from 'zod'
import {
  type DecimalClass,
  type DecimalInstance,
  type DecimalParams,
  decimalIssue,
  decimalText,
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

/** Wrapped union branch `{ [name]: value }`: exactly one own key, as avsc checks (`Object.keys`). */
function branch<const K extends string, Out, In>(
  name: K,
  schema: ZodType<Out, In>,
): ZodType<{ [P in K]: Out }, { [P in K]: In }> {
  const single = z.custom<Record<string, unknown>>(
    (v) => typeof v === 'object' && v !== null && Object.keys(v).length === 1 && Object.keys(v)[0] === name,
    { message: `Expected a wrapped union value with the single key ${name}` },
  )
  return single.pipe(z.object({ [name]: schema } as Record<K, ZodType<Out, In>>)) as unknown as ZodType<
    { [P in K]: Out },
    { [P in K]: In }
  >
}

/** Avro map: avsc takes any non-array object and checks its own keys, so a Date (no keys) is an empty map. */
function map<Out, In>(values: ZodType<Out, In>): ZodType<{ [key: string]: Out }, { [key: string]: In }> {
  return z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
      message: 'Expected an object (Avro map)',
    })
    .transform((v) => ({ ...v }))
    .pipe(z.record(z.string(), values)) as unknown as ZodType<{ [key: string]: Out }, { [key: string]: In }>
}

/** Avro record: avsc takes any non-null object, arrays included (their named props are read as fields). */
function record<Out, In>(shape: ZodType<Out, In>): ZodType<Out, In> {
  return z
    .custom<unknown>((v) => typeof v === 'object' && v !== null, {
      message: 'Expected an object (Avro record)',
    })
    .transform((v): unknown => (Array.isArray(v) ? Object.assign({}, v) : v))
    .pipe(shape as ZodType<Out, unknown>) as unknown as ZodType<Out, In>
}

/**
 * A record or map branch of an unwrapped union: avsc picks the branch by the kind of value first, and
 * arrays, Buffers and null are not `object` for it.
 */
function objectBranch<Out, In>(schema: ZodType<Out, In>): ZodType<Out, In> {
  return z
    .custom<unknown>((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v), {
      message: 'Expected an object',
    })
    .pipe(schema as ZodType<Out, unknown>) as unknown as ZodType<Out, In>
}

export const avroZod = {
  branch,
  map,
  record,
  objectBranch,
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
  decimal: (params: DecimalParams): ZodType<string, string> => {
    const { precision, scale, size } = params
    return z.string().superRefine((s, ctx) => {
      const issue = decimalIssue(s, { precision, scale, size })
      if (issue !== undefined) ctx.addIssue({ code: 'custom', message: issue })
    })
  },
  /** Avro decimal as an instance of `decimalClass` (big.js's `Big`), exact: never rounded. */
  bigDecimal: <T extends DecimalInstance>(
    decimalClass: DecimalClass<T>,
    params: DecimalParams,
  ): ZodType<T, T> => {
    const { precision, scale, size } = params
    const name = decimalClass.name || 'decimal class'
    return z
      .custom<T>((v) => decimalText(v, decimalClass) !== undefined, {
        message: `Expected a ${name} (decimal logical type, precision ${precision}, scale ${scale}): wrap numbers and strings with new ${name}(...)`,
      })
      .superRefine((v, ctx) => {
        const text = decimalText(v, decimalClass)
        if (text === undefined) return // the check above already said what is wrong
        const issue = decimalIssue(
          text,
          { precision, scale, size },
          `round it first, e.g. value.round(${scale})`,
        )
        if (issue !== undefined) ctx.addIssue({ code: 'custom', message: issue })
      })
  },
}
