import type { Type } from 'avsc'
import type { ZodType } from 'zod'
import { KafkitError } from './errors'

/**
 * The contract between generated code (`kafkit codegen`) and the typed client. Generated modules
 * export objects of these shapes; producers, consumers and serdes read nothing else.
 */

/** An Avro schema compiled by codegen. `Out` is what consumers receive, `In` what producers may pass. */
export interface AvroSerdeDescriptor<Out, In = Out> {
  readonly kind: 'avro'
  /** Full name of the top-level named type (RecordNameStrategy uses it); undefined for unions, arrays, primitives. */
  readonly fullName: string | undefined
  /** Self-contained Avro JSON schema, exactly what gets registered. */
  readonly schema: unknown
  /** avsc Type built once, with the options that match the TypeScript mapping. */
  readonly type: Type
  /** Builds an avsc Type for another (writer) schema with the same options, for schema resolution. */
  readonly createType: (schema: unknown) => Type
  /** Accepts exactly the values `type.isValid` accepts (input side: fields with defaults may be omitted). */
  readonly validator: ZodType<Out, In>
  /**
   * Answers, without explaining, whether `validator` would accept a value: a compiled check for the
   * producer's happy path (zod runs only when it says no, to explain why). Only set when the validator
   * is known to accept exactly what `type.isValid` accepts (generated code); absent, zod checks every value.
   */
  readonly fastCheck?: (value: unknown) => boolean
  /** Phantom members: types only, never set at run time. */
  readonly __out?: Out
  readonly __in?: In
}

/** Non-Avro keys: a UTF-8 string, raw bytes, or no key at all. */
export interface StringSerdeDescriptor {
  readonly kind: 'string'
  readonly __out?: string
  readonly __in?: string
}
export interface BytesSerdeDescriptor {
  readonly kind: 'bytes'
  readonly __out?: Buffer
  readonly __in?: Buffer
}
export interface NullSerdeDescriptor {
  readonly kind: 'null'
  readonly __out?: null
  readonly __in?: null | undefined
}

export type SerdeDescriptor<Out = unknown, In = Out> =
  | AvroSerdeDescriptor<Out, In>
  | StringSerdeDescriptor
  | BytesSerdeDescriptor
  | NullSerdeDescriptor

export type SubjectNameStrategy = 'topic' | 'record' | 'topic-record'

// `any` below keeps descriptors assignable whatever their Out/In types (ZodType is invariant).
export interface TopicDescriptor<
  Name extends string = string,
  // biome-ignore lint/suspicious/noExplicitAny: see above
  Key extends SerdeDescriptor<any, any> = SerdeDescriptor<any, any>,
  // biome-ignore lint/suspicious/noExplicitAny: see above
  Value extends SerdeDescriptor<any, any> = SerdeDescriptor<any, any>,
> {
  readonly name: Name
  readonly key: Key
  readonly value: Value
  readonly subjectNameStrategy: SubjectNameStrategy
  /** Registry subjects for Avro key/value; undefined for non-Avro sides. */
  readonly subjects: { readonly key: string | undefined; readonly value: string | undefined }
  /** Dotted path of a value field whose value decides the partition (instead of the key bytes). */
  readonly partitionKey: string | undefined
}

export type OutputOf<S> = S extends { readonly __out?: infer O } ? O : never
export type InputOf<S> = S extends { readonly __in?: infer I } ? I : never
export type KeyOf<T extends TopicDescriptor> = OutputOf<T['key']>
export type ValueOf<T extends TopicDescriptor> = OutputOf<T['value']>
export type KeyInputOf<T extends TopicDescriptor> = InputOf<T['key']>
export type ValueInputOf<T extends TopicDescriptor> = InputOf<T['value']>

/** Confluent's subject name strategies, by name. */
export function subjectName(
  strategy: SubjectNameStrategy,
  topic: string,
  side: 'key' | 'value',
  fullName: string | undefined,
): string {
  if (strategy === 'topic') return `${topic}-${side}`
  if (fullName === undefined) {
    throw new KafkitError(
      'KAFKIT_SUBJECT_NEEDS_NAMED_TYPE',
      `subject name strategy '${strategy}' needs a named Avro type, but topic '${topic}' ${side} has none: name the type (record, enum or fixed) or use the 'topic' strategy`,
      { details: { strategy, topic, side } },
    )
  }
  return strategy === 'record' ? fullName : `${topic}-${fullName}`
}
