import type { AvroSerdeDescriptor } from '@kafkit/common'
import { z } from 'zod'
import { genericAvroSchema } from '../serdes/json-form'

/**
 * A topic-descriptor serde built at run time from a schema file (no generated code): the avsc type
 * reads JSON-form values converted by `jsonToAvro` (wrapped unions, bigint longs).
 */
export function genericAvroSerde(schema: unknown): AvroSerdeDescriptor<unknown, unknown> {
  const g = genericAvroSchema(schema)
  const name = g.type.name
  return {
    kind: 'avro',
    fullName: name,
    schema: g.schema,
    type: g.type,
    createType: (s: unknown) => genericAvroSchema(s).type,
    // Values are checked while converting from JSON (with paths); the producer runs with validate off.
    validator: z.unknown(),
  }
}
