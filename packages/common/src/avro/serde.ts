import type avro from 'avsc'
import type { ZodType } from 'zod'
import type { AvroSerdeDescriptor } from '../topic'
import { compileChecker } from './checker'
import { type AvroTypeOptions, createAvroType } from './type-options'

export interface CreateAvroSerdeOptions<Out, In> extends AvroTypeOptions {
  readonly fullName: string | undefined
  /** Self-contained Avro schema JSON, or a function building it on first use. */
  readonly schema: unknown | (() => unknown)
  readonly validator: ZodType<Out, In>
  /**
   * The validator accepts exactly what avsc's `type.isValid` accepts, and its output encodes to the
   * same bytes as its input (true for generated validators): the descriptor then gets a `fastCheck`.
   * Leave unset for a hand-written validator that is stricter than the schema (refinements).
   */
  readonly validatorMatchesType?: boolean
}

/**
 * Builds the descriptor generated code exports per Avro type. The schema and avsc Type are built on
 * first use, then kept: modules with hundreds of named types pay only for the ones they use.
 */
export function createAvroSerde<Out, In = Out>(
  options: CreateAvroSerdeOptions<Out, In>,
): AvroSerdeDescriptor<Out, In> {
  const typeOptions: AvroTypeOptions = {
    longMode: options.longMode ?? 'number',
    decimalClass: options.decimalClass,
  }
  let type: avro.Type | undefined
  let schema: unknown
  let isValid: ((value: unknown) => boolean) | undefined
  const descriptor = {
    kind: 'avro' as const,
    fullName: options.fullName,
    get schema(): unknown {
      schema ??= typeof options.schema === 'function' ? options.schema() : options.schema
      return schema
    },
    get type(): avro.Type {
      type ??= createAvroType(descriptor.schema, typeOptions)
      return type
    },
    createType: (schema: unknown) => createAvroType(schema, typeOptions),
    validator: options.validator,
    ...(options.validatorMatchesType
      ? {
          fastCheck: (value: unknown): boolean => {
            // avsc's isValid, compiled for this schema. avsc throws on some alien values (a bigint
            // for an int) instead of answering, and so does this: a no.
            isValid ??= compileChecker(descriptor.type)
            try {
              return isValid(value)
            } catch {
              return false
            }
          },
        }
      : {}),
  }
  return Object.freeze(descriptor)
}

/**
 * `createAvroSerde` for generated code, whose validators accept exactly what avsc's `isValid` accepts:
 * `@kafkit/client/codegen-runtime` exports it under the name `createAvroSerde`.
 */
export function createGeneratedAvroSerde<Out, In = Out>(
  options: CreateAvroSerdeOptions<Out, In>,
): AvroSerdeDescriptor<Out, In> {
  return createAvroSerde({ validatorMatchesType: true, ...options })
}

/** The default value avsc fills in for a record field (a fresh copy), for zod `.default()`. */
export function avroFieldDefault<T>(serde: { readonly type: avro.Type }, field: string): T {
  const f = (serde.type as avro.types.RecordType).field(field)
  if (!f) throw new Error(`no field ${field} in ${serde.type.name}`)
  return f.defaultValue() as T
}
