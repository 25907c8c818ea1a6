import type { AvroDefinitions, LongMode, SubjectNameStrategy } from '@kafkit/common'
import type avro from 'avsc'

/* Public types of @kafkit/codegen. */

export type ResolvedSide =
  | { readonly kind: 'string' | 'bytes' | 'null' }
  | { readonly kind: 'avro'; readonly fullName: string; readonly schema: unknown }

export interface ResolvedTopic {
  readonly name: string
  readonly key: ResolvedSide
  readonly value: ResolvedSide
  readonly subjectNameStrategy: SubjectNameStrategy
  readonly subjects: { readonly key: string | undefined; readonly value: string | undefined }
  readonly partitionKey: string | undefined
}

/** JS values of the Avro logical types that have a choice (config `logicalTypes`). */
export interface LogicalTypeOptions {
  /** `string` (default): decimal strings. `big.js`: `Big` values; generated code imports big.js. */
  readonly decimal: 'string' | 'big.js'
}

export interface LoadedKafkitConfig {
  /** Absolute path of the config file. */
  readonly configPath: string
  readonly schemas: readonly string[]
  /** Absolute output folder, when the config names one. */
  readonly out: string | undefined
  readonly longMode: LongMode
  readonly logicalTypes: LogicalTypeOptions
  readonly importExtension: 'none' | '.js' | '.ts'
  readonly topics: readonly ResolvedTopic[]
  readonly schemaSet: SchemaSet
}

export interface GenerateResult {
  /** Generated modules, paths relative to the output folder. Same input, byte-identical output. */
  readonly files: readonly GeneratedFile[]
  /** Schema files read (absolute). */
  readonly inputs: readonly string[]
  /** Full names of every named type generated. */
  readonly types: readonly string[]
  readonly topics: readonly ResolvedTopic[]
  /** Output folder named by the config file, if any. */
  readonly out: string | undefined
  /** The config file used, if any. */
  readonly configPath: string | undefined
  /** Things the app should fix that do not stop generation (a package generated code imports is missing). */
  readonly warnings: readonly string[]
}

export interface GeneratedFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string
  readonly contents: string
}

/** How generated modules import each other: extensionless (bundlers, `moduleResolution: Bundler`) or `.js`/`.ts` (Node ESM). */
export type ImportExtension = 'none' | '.js' | '.ts'

/** A named Avro type (record, error, enum or fixed) as found in the input files. */
export interface NamedDefinition {
  readonly fullName: string
  readonly kind: 'record' | 'error' | 'enum' | 'fixed'
  /** Absolute path of the file that defines it, and its JSON Pointer there. */
  readonly file: string
  readonly place: string
  /** The definition with nested named types replaced by full-name references (context-free). */
  readonly flattened: Record<string, unknown>
}

/** Every named type of a set of schema files, resolved across files and compiled with avsc. */
export interface SchemaSet {
  readonly files: readonly string[]
  readonly longMode: LongMode
  /** By full name, in a deterministic order (files sorted, then document order). */
  readonly definitions: ReadonlyMap<string, NamedDefinition>
  /** avsc Types, built with the same options generated code uses. */
  readonly types: ReadonlyMap<string, avro.Type>
  /** Flattened definitions by full name: input of `avroSchemaOf`. */
  readonly table: AvroDefinitions
}
