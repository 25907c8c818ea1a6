import { resolve } from 'node:path'
import { loadKafkitConfig, type ResolvedTopic, resolveTopics } from './config'
import { Emitter, type GeneratedFile } from './emit'
import { type GenerateOptions, parseGenerateOptions } from './options'
import { loadSchemaSet } from './schema-set'

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
}

/**
 * Avro schemas to TypeScript: types, zod validators, serde and topic descriptors. Pure: reads the
 * inputs, returns file contents, writes nothing. Throws `CodegenError` on any bad input.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const opts = parseGenerateOptions(options)
  if ('config' in opts) {
    const config = await loadKafkitConfig(opts.config)
    const emitter = new Emitter(config.schemaSet, config.longMode, config.importExtension)
    return {
      files: emitter.emitFiles(config.topics),
      inputs: config.schemaSet.files,
      types: [...config.schemaSet.types.keys()].sort(),
      topics: config.topics,
      out: config.out,
      configPath: config.configPath,
    }
  }
  const schemas = (Array.isArray(opts.schemas) ? opts.schemas : [opts.schemas]).map((p) => resolve(p))
  const set = await loadSchemaSet(schemas, opts.longMode)
  const topics = resolveTopics(opts.topics, set, undefined)
  const emitter = new Emitter(set, opts.longMode, opts.importExtension)
  return {
    files: emitter.emitFiles(topics),
    inputs: set.files,
    types: [...set.types.keys()].sort(),
    topics,
    out: undefined,
    configPath: undefined,
  }
}
