// @kafkit/client/serdes: Confluent's wire format (schema id and GUID prefixes, schema-id headers), Avro
// encode/decode with writer-schema resolution, the generic (schema-less) serde and the registry seam.

export { GenericDecoder } from '../console/consume-json-lines'
export { genericAvroSerde } from '../console/generic-serde'
export {
  type AvroDecoded,
  AvroDecoder,
  encodeAvro,
  encodeAvroPayload,
  encodeAvroWithGuid,
  SchemaCache,
} from './avro'
export { avroToJson, type GenericAvroSchema, genericAvroSchema, JsonFormError, jsonToAvro } from './json-form'
export { schemaText } from './json-schema-text'
export { type RegistrySchema, type SchemaRegistry, toSchemaRegistry } from './registry'
export { subjectFor } from './subjects'
export { type ValidationIssue, validateSide, validationError } from './validate'
export {
  frame,
  frameGuid,
  GUID_HEADER_SIZE,
  guidFromBytes,
  guidToBytes,
  HEADER_SIZE,
  KEY_SCHEMA_ID_HEADER,
  MAGIC_BYTE,
  MAGIC_BYTE_GUID,
  readSchemaRef,
  type SchemaRef,
  schemaIdHeader,
  type Unframed,
  unframe,
  unframeAny,
  VALUE_SCHEMA_ID_HEADER,
} from './wire-format'
