import avro from 'avsc'
import { kafkitLogicalTypes, logicalTypesFor } from './logical-types'
import { bigintLongType, type LongMode } from './long'
import type { DecimalClass } from './values'

export interface AvroTypeOptions {
  /** `number` (default): avsc's own long, safe integers only. `bigint`: full int64 as bigint. */
  readonly longMode?: LongMode
  /** Decimals as instances of this class (big.js's `Big`) instead of decimal strings. */
  readonly decimalClass?: DecimalClass | undefined
}

/**
 * The avsc `forSchema` options matching Kafkit's TypeScript mapping. A fresh object each call: avsc
 * adds every named type it parses to `registry`, so sharing one would leak names between schemas.
 * Unions use avsc's `auto` mode: unwrapped (plain values, as the console consumer prints them) unless
 * two branches fall in the same bucket (e.g. two records), which only a wrapped `{ branch: value }` tells apart.
 */
export function avroTypeOptions(options: AvroTypeOptions = {}): Partial<avro.ForSchemaOptions> {
  const longMode = options.longMode ?? 'number'
  return {
    registry: {},
    logicalTypes: logicalTypesFor(options.decimalClass),
    wrapUnions: 'auto',
    ...(longMode === 'bigint' ? { typeHook: bigintLongHook } : {}),
  } as Partial<avro.ForSchemaOptions>
}

/**
 * Every `long` that is not one of our logical types becomes the bigint long, whether written `"long"` or
 * `{ "type": "long", ... }` (avsc's registry alone only catches the string form).
 */
function bigintLongHook(schema: unknown): avro.Type | undefined {
  if (schema === 'long') return bigintLongType
  if (typeof schema === 'object' && schema !== null && !Array.isArray(schema)) {
    const s = schema as { type?: unknown; logicalType?: unknown }
    if (s.type === 'long' && !(typeof s.logicalType === 'string' && s.logicalType in kafkitLogicalTypes)) {
      return bigintLongType
    }
  }
  return undefined
}

/** `avro.Type.forSchema` with Kafkit's options. */
export function createAvroType(schema: unknown, options: AvroTypeOptions = {}): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, avroTypeOptions(options))
}
