export { decimalParams, kafkitLogicalTypes } from './logical-types'
export { bigintLongType, type LongMode } from './long'
export { type AvroDefinitions, avroSchemaOf } from './schema-assembly'
export {
  avroFieldDefault,
  type CreateAvroSerdeOptions,
  createAvroSerde,
  createGeneratedAvroSerde,
} from './serde'
export { type AvroTypeOptions, avroTypeOptions, createAvroType } from './type-options'
export {
  type DecimalClass,
  type DecimalInstance,
  type DecimalParams,
  daysToIsoDate,
  decimalToUnscaled,
  isoDateToDays,
  isUuid,
  MAX_SAFE_LONG,
  UUID_PATTERN,
  unscaledToDecimal,
} from './values'
export { avroZod } from './zod-types'
