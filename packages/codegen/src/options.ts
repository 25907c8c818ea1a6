import { parseOptions } from '@kafkit/common'
import { z } from 'zod'
import { logicalTypesConfigSchema, topicConfigSchema } from './config'

/** `generate()` from a config file. */
const configOptionsSchema = z.strictObject({
  /** Path of a kafkit.config.(ts|js|json), or a folder holding one. */
  config: z.string().min(1),
})

/** `generate()` from schema paths, plus optional topics. */
const schemaOptionsSchema = z.strictObject({
  /** Schema files or folders (searched recursively for .avsc/.avdl). */
  schemas: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  longMode: z.enum(['number', 'bigint']).default('number'),
  /** JS values of Avro logical types that have a choice: `{ decimal: 'big.js' }` (default `string`). */
  logicalTypes: logicalTypesConfigSchema.default({ decimal: 'string' }),
  /** Extension on imports between generated modules; default: what the nearest tsconfig.json wants. */
  importExtension: z.enum(['none', '.js', '.ts']).optional(),
  /** Folder the files are meant for: the tsconfig.json search starts there (default: the working directory). */
  out: z.string().min(1).optional(),
  topics: z.record(z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/), topicConfigSchema).default({}),
})

/** Options of `generate()`: either a config file, or schema paths plus optional topics. */
export const generateOptionsSchema = z.union([configOptionsSchema, schemaOptionsSchema])

export type GenerateOptions = z.input<typeof generateOptionsSchema>

/** Invalid options are KAFKIT_INVALID_OPTIONS, as in every package; a bad config file stays KAFKIT_CODEGEN_INVALID_CONFIG. */
export function parseGenerateOptions(options: unknown): Readonly<z.output<typeof generateOptionsSchema>> {
  // The union's own error would only say "Invalid input": check against the shape the caller meant.
  const meant =
    typeof options === 'object' && options !== null && 'config' in options
      ? configOptionsSchema
      : schemaOptionsSchema
  return parseOptions(meant, options, { what: 'generate()' })
}
