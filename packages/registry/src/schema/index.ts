export { JsonNumber, type JsonObject, type JsonValue } from '@kafkit/common/avro-schema'
export { parseAvroSchema } from './parse'
export type * from './types'
