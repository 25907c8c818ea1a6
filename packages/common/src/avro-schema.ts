/**
 * `@kafkit/common/avro-schema`: the Avro schema core the codegen, the registry and the client share. Name
 * rules (primitives, valid names, full-name resolution), a JSON reader that keeps key order, exact numbers
 * and error positions, the parser to the resolved schema tree (Avro Java's rules, default checks), JSON
 * Pointer places, and the decimal conversions (bytes <-> unscaled <-> text).
 */

export { coerceFloatText, defaultProblem, describeValue } from './avro/defaults'
export { javaDouble, javaFloat } from './avro/java-numbers'
export {
  fromPlain,
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
export { type AvroSchemaErrorDetails, type ParseContext, parseNode, schemaError } from './avro/parse-tree'
export { childPointer, pointerText } from './avro/pointer'
export type {
  AvroArrayNode,
  AvroEnumNode,
  AvroField,
  AvroFixedNode,
  AvroMapNode,
  AvroNamedNode,
  AvroNode,
  AvroPrimitiveNode,
  AvroProps,
  AvroRecordNode,
  AvroUnionNode,
} from './avro/tree'
export {
  bytesToUnscaled,
  type DecimalParams,
  decimalToUnscaled,
  unscaledToBytes,
  unscaledToDecimal,
} from './avro/values'
