/** Confluent's compatibility levels (the default is BACKWARD). */
export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'

/** Avro's SchemaCompatibility.SchemaIncompatibilityType names, as Confluent reports them. */
export type SchemaIncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH'

export interface CompatibilityIssue {
  readonly type: SchemaIncompatibilityType
  /** JSON pointer into the reader schema, like Avro's: `/fields/2/type`, `/` for the root. */
  readonly path: string
  /** Confluent's description, e.g. "The type (path '/fields/0/type') of a field in the new schema does not match with the old schema". */
  readonly message: string
  /** Confluent's additionalInfo, e.g. "reader type: STRING not compatible with writer type: INT". */
  readonly additionalInfo: string
  /** The reader and writer (sub)schemas where the rule broke, as compact JSON. */
  readonly readerSchema?: string
  readonly writerSchema?: string
  /** In checkCompatibility: which side was the reader ('new' for BACKWARD, 'old' for FORWARD). */
  readonly reader?: 'new' | 'old'
}

export interface CompatibilityResult {
  readonly compatible: boolean
  /** One Confluent verbose string per issue: {errorType:'...', description:'...', additionalInfo:'...'}. */
  readonly messages: string[]
  readonly issues: CompatibilityIssue[]
  /** Index into `previous` (oldest first) of the version the check failed against; undefined when compatible. */
  readonly incompatibleWith?: number
}
