import { defineErrors, KafkitError } from '@kafkit/common'

/** Every error code this package throws; docs/errors.md is generated from this table. */
export const ERROR_DEFINITIONS = defineErrors({
  KAFKIT_CODEGEN_INVALID_JSON: {
    message: 'A schema or config file is not valid JSON: fix the syntax at the place given',
  },
  KAFKIT_CODEGEN_INVALID_SCHEMA: {
    message:
      'A schema is not valid Avro (missing or wrong attribute, bad name, bad IDL): fix the place given',
  },
  KAFKIT_CODEGEN_UNKNOWN_TYPE: {
    message: 'A schema refers to a type that is neither primitive nor defined in any input file',
  },
  KAFKIT_CODEGEN_DUPLICATE_NAME: { message: 'Two schemas define the same full name: rename or remove one' },
  KAFKIT_CODEGEN_BAD_DEFAULT: {
    message: "A field default does not match the field's type (or first union branch)",
  },
  KAFKIT_CODEGEN_AMBIGUOUS_UNION: {
    message: 'A union has two branches whose JS values look alike, so avsc cannot tell which to write',
  },
  KAFKIT_CODEGEN_INVALID_CONFIG: {
    message: 'The kafkit config file is invalid: fix the fields named',
  },
  KAFKIT_CODEGEN_NO_INPUT: { message: 'No .avsc or .avdl file was found at the given path' },
})

export type CodegenErrorCode = keyof typeof ERROR_DEFINITIONS

export interface CodegenErrorDetails {
  /** Input file (absolute path) where the problem is, when there is one. */
  readonly file?: string | undefined
  /** JSON Pointer (`/fields/2/type`, `/` for the whole document) or `line:col` inside the file, when known. */
  readonly place?: string | undefined
}

/** Bad codegen input: the message names the file, the place and what is wrong. */
export class CodegenError extends KafkitError {
  readonly file: string | undefined
  readonly place: string | undefined

  constructor(code: CodegenErrorCode, what: string, details: CodegenErrorDetails = {}, cause?: unknown) {
    const where = [details.file, details.place].filter((x) => x !== undefined).join(' at ')
    super(code, where ? `${where}: ${what}` : what, {
      details: { file: details.file, place: details.place, reason: what },
      ...(cause === undefined ? {} : { cause }),
    })
    this.file = details.file
    this.place = details.place
  }
}
