export { JsonNumber, type JsonObject, type JsonValue } from '@kafkit/common/avro-schema'
export { parseAvroSchema } from './parse'
export type {
  AvroArrayNode,
  AvroEnumNode,
  AvroField,
  AvroFixedNode,
  AvroMapNode,
  AvroName,
  AvroNamedNode,
  AvroNode,
  AvroPrimitive,
  AvroPrimitiveNode,
  AvroRecordNode,
  AvroSchemaReference,
  AvroUnionNode,
  ParseAvroSchemaOptions,
  ParsedAvroSchema,
} from './types'
