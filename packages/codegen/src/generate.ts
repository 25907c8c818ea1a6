import { resolve } from 'node:path'
import { loadKafkitConfig, resolveTopics } from './config'
import { Emitter } from './emit'
import { detectImportExtension } from './import-style'
import { type GenerateOptions, parseGenerateOptions } from './options'
import { loadSchemaSet } from './schema-set'
import type { GenerateResult } from './types'

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
  const importExtension = opts.importExtension ?? detectImportExtension(resolve(opts.out ?? '.')).extension
  const emitter = new Emitter(set, opts.longMode, importExtension)
  return {
    files: emitter.emitFiles(topics),
    inputs: set.files,
    types: [...set.types.keys()].sort(),
    topics,
    out: undefined,
    configPath: undefined,
  }
}
