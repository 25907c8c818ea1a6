import { z } from 'zod'
import { logicalTypesConfigSchema, topicConfigSchema } from './config'
import { CodegenError } from './errors'

/** Options of `generate()`: either a config file, or schema paths plus optional topics. */
export const generateOptionsSchema = z.union([
  z.strictObject({
    /** Path of a kafkit.config.(ts|js|json), or a folder holding one. */
    config: z.string().min(1),
  }),
  z.strictObject({
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
  }),
])

export type GenerateOptions = z.input<typeof generateOptionsSchema>

export function parseGenerateOptions(options: unknown): z.output<typeof generateOptionsSchema> {
  const result = generateOptionsSchema.safeParse(options)
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    )
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      `invalid generate() options: ${issues.join('; ')}`,
    )
  }
  return Object.freeze(result.data)
}
