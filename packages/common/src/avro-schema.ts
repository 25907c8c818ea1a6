/**
 * `@kafkit/common/avro-schema`: the Avro schema core the codegen, the registry and the client share. Name
 * rules (primitives, valid names, full-name resolution), a JSON reader that keeps key order, exact numbers
 * and error positions, JSON Pointer places, and the decimal conversions (bytes <-> unscaled <-> text).
 */
export {
  isJsonObject,
  JsonNumber,
  type JsonObject,
  JsonSyntaxError,
  type JsonValue,
  type ParseJsonTextOptions,
  parseJsonText,
  toPlain,
} from './avro/json-text'
export {
  AVRO_NAME_PATTERN,
  AVRO_NAMED_KINDS,
  AVRO_PRIMITIVES,
  type AvroName,
  type AvroPrimitive,
  avroFullName,
  isAvroPrimitive,
  isValidAvroFullName,
  isValidAvroName,
  namespaceOf,
  shortNameOf,
  splitAvroName,
} from './avro/names'
export { childPointer, pointerText } from './avro/pointer'
export {
  bytesToUnscaled,
  type DecimalParams,
  decimalToUnscaled,
  unscaledToBytes,
  unscaledToDecimal,
} from './avro/values'
