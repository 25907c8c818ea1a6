import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { loadKafkitConfig, resolveTopics } from './config'
import { BIG_JS, Emitter } from './emit'
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
    const emitter = new Emitter(
      config.schemaSet,
      config.longMode,
      config.importExtension,
      config.logicalTypes,
    )
    const files = emitter.emitFiles(config.topics)
    return {
      files,
      inputs: config.schemaSet.files,
      types: [...config.schemaSet.types.keys()].sort(),
      topics: config.topics,
      out: config.out,
      configPath: config.configPath,
      warnings: emitter.importsBigJs ? bigJsWarnings(config.out ?? dirname(config.configPath)) : [],
    }
  }
  const schemas = (Array.isArray(opts.schemas) ? opts.schemas : [opts.schemas]).map((p) => resolve(p))
  const set = await loadSchemaSet(schemas, opts.longMode)
  const topics = resolveTopics(opts.topics, set, undefined)
  const outDir = resolve(opts.out ?? '.')
  const importExtension = opts.importExtension ?? detectImportExtension(outDir).extension
  const emitter = new Emitter(set, opts.longMode, importExtension, opts.logicalTypes)
  const files = emitter.emitFiles(topics)
  return {
    files,
    inputs: set.files,
    types: [...set.types.keys()].sort(),
    topics,
    out: undefined,
    configPath: undefined,
    warnings: emitter.importsBigJs ? bigJsWarnings(outDir) : [],
  }
}

/**
 * Generated code that imports big.js compiles and runs only where big.js (and its types) resolve:
 * say so at codegen time instead of leaving it to tsc's "Cannot find module". big.js is an optional
 * peer dependency of @kafkit/client, so no install brings it in unasked.
 */
function bigJsWarnings(outDir: string): string[] {
  const require = createRequire(join(outDir, 'generated.js'))
  const found = (id: string): string | undefined => {
    try {
      return require.resolve(id)
    } catch {
      return undefined
    }
  }
  const missing: string[] = []
  const pkg = found(`${BIG_JS}/package.json`)
  if (pkg === undefined) missing.push(BIG_JS)
  let ownTypes = false
  if (pkg !== undefined) {
    const manifest = JSON.parse(readFileSync(pkg, 'utf8')) as { types?: unknown; typings?: unknown }
    ownTypes = manifest.types !== undefined || manifest.typings !== undefined
  }
  if (!ownTypes && found('@types/big.js/package.json') === undefined) missing.push('@types/big.js')
  if (missing.length === 0) return []
  return [
    `logicalTypes.decimal is 'big.js', so the generated code imports big.js, but ${missing.join(' and ')} ` +
      `cannot be found from ${outDir}: install ${missing.length > 1 ? 'them' : 'it'} in the app ` +
      `(npm install big.js && npm install -D @types/big.js), or set logicalTypes.decimal to 'string'`,
  ]
}
