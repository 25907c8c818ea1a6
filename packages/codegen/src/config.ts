import { access, readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { avroSchemaOf, subjectName } from '@kafkit/common'
import type avro from 'avsc'
import { z } from 'zod'
import { CodegenError } from './errors'
import { detectImportExtension } from './import-style'
import { loadSchemaSet, parseJson } from './schema-set'
import type { LoadedKafkitConfig, ResolvedSide, ResolvedTopic, SchemaSet } from './types'

const NON_AVRO = ['string', 'bytes', 'null'] as const

export const topicConfigSchema = z.strictObject({
  /** `string` | `bytes` | `null` (no key) or the full name of an Avro named type. Default `string`. */
  key: z.string().min(1).default('string'),
  /** Full name of an Avro named type (or `string` | `bytes` | `null`). */
  value: z.string().min(1),
  subjectNameStrategy: z.enum(['topic', 'record', 'topic-record']).default('topic'),
  /** Dotted path of a value field (through nested records) that decides the partition. */
  partitionKey: z.string().min(1).optional(),
})

export const logicalTypesConfigSchema = z.strictObject({
  /**
   * Avro `decimal` as a decimal `string` (default: exact, no arithmetic) or as a `Big` from big.js
   * (exact, with arithmetic; the app installs big.js and @types/big.js).
   */
  decimal: z.enum(['string', 'big.js']).default('string'),
})

export const kafkitConfigSchema = z.strictObject({
  /** Schema files or folders (searched recursively for .avsc/.avdl), relative to the config file. */
  schemas: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Output folder for generated code, relative to the config file. */
  out: z.string().min(1).optional(),
  longMode: z.enum(['number', 'bigint']).default('number'),
  /**
   * Extension on relative imports between generated modules: 'none' (bundlers) or '.js' (Node ESM, NodeNext).
   * Default: '.js' when the nearest tsconfig.json (from `out`, else the config's folder, upward) resolves
   * modules like Node (moduleResolution or module Node16/NodeNext), else 'none'.
   */
  importExtension: z.enum(['none', '.js', '.ts']).optional(),
  /** JS values of Avro logical types that have a choice: `{ decimal: 'big.js' }`. */
  logicalTypes: logicalTypesConfigSchema.default({ decimal: 'string' }),
  topics: z
    .record(
      z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'Kafka topic names use letters, digits, . _ - (max 249)'),
      topicConfigSchema,
    )
    .default({}),
})

/** What a `kafkit.config.ts` exports (defaults applied on load). */
export type KafkitConfig = z.input<typeof kafkitConfigSchema>
export type TopicConfig = z.input<typeof topicConfigSchema>

/** Identity function that types a config file: `export default defineConfig({ ... })`. */
export function defineConfig(config: KafkitConfig): KafkitConfig {
  return config
}

export const CONFIG_NAMES = [
  'kafkit.config.ts',
  'kafkit.config.mts',
  'kafkit.config.js',
  'kafkit.config.mjs',
  'kafkit.config.json',
]

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}

/** The config file for a path: the file itself, or the first kafkit.config.* inside a folder. */
export async function findConfigFile(pathOrDir: string): Promise<string | undefined> {
  const abs = resolve(pathOrDir)
  if (/kafkit\.config\.(m?ts|m?js|json)$/.test(abs)) return abs
  for (const name of CONFIG_NAMES) {
    const candidate = join(abs, name)
    if (await exists(candidate)) return candidate
  }
  return undefined
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8').catch((e: Error) => {
      throw new CodegenError('KAFKIT_CODEGEN_INVALID_CONFIG', `cannot read config: ${e.message}`, { file })
    })
    return parseJson(text, file)
  }
  try {
    const mod = (
      file.endsWith('ts')
        ? await withoutRegisterDeprecation(async () =>
            (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url),
          )
        : await import(pathToFileURL(file).href)
    ) as { default?: unknown }
    // tsx may wrap a CommonJS-style default twice.
    let value: unknown = mod.default ?? mod
    if (typeof value === 'object' && value !== null && 'default' in value && !('schemas' in value)) {
      value = (value as { default: unknown }).default
    }
    return value
  } catch (error) {
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      `cannot load config: ${(error as Error).message}`,
      { file },
      error,
    )
  }
}

/** Validates raw config (or `generate()` options) with zod; issues become one CodegenError naming each field. */
export function parseConfig(raw: unknown, file: string | undefined): z.output<typeof kafkitConfigSchema> {
  const result = kafkitConfigSchema.safeParse(raw)
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    )
    throw new CodegenError('KAFKIT_CODEGEN_INVALID_CONFIG', `invalid config: ${issues.join('; ')}`, {
      file,
      place: result.error.issues[0]?.path.join('.') || undefined,
    })
  }
  return result.data
}

function resolveSide(
  written: string,
  set: SchemaSet,
  topic: string,
  side: 'key' | 'value',
  file: string | undefined,
): ResolvedSide {
  if ((NON_AVRO as readonly string[]).includes(written))
    return { kind: written as 'string' | 'bytes' | 'null' }
  if (!set.types.has(written)) {
    const short = written.split('.').at(-1)
    const similar = [...set.types.keys()].filter((n) => n.split('.').at(-1) === short)
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      `topic ${topic} ${side}: unknown type ${JSON.stringify(written)}; use 'string', 'bytes', 'null' or the full name of a named type` +
        (similar.length ? ` (did you mean ${similar.join(' or ')}?)` : ''),
      { file, place: `topics.${topic}.${side}` },
    )
  }
  return { kind: 'avro', fullName: written, schema: avroSchemaOf(written, set.table) }
}

/** Checks that `path` names a field of the value record (through nested records and nullable records). */
function checkPartitionKey(
  path: string,
  value: ResolvedSide,
  set: SchemaSet,
  topic: string,
  file: string | undefined,
): void {
  const fail: (what: string) => never = (what) => {
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      `topic ${topic} partitionKey ${JSON.stringify(path)}: ${what}`,
      {
        file,
        place: `topics.${topic}.partitionKey`,
      },
    )
  }
  if (value.kind !== 'avro') fail('the value must be an Avro record to take a partition key from it')
  let type: avro.Type | undefined = set.types.get(value.fullName)
  for (const segment of path.split('.')) {
    if (type && type.typeName === 'union:unwrapped') {
      const branches = (type as unknown as { types: avro.Type[] }).types.filter((t) => t.typeName !== 'null')
      if (branches.length === 1) type = branches[0]
    }
    if (!type || (type.typeName !== 'record' && type.typeName !== 'error')) {
      fail(`cannot look up ${segment}: not inside a record`)
    }
    const field = (type as avro.types.RecordType).field(segment)
    if (!field) {
      const names = (type as avro.types.RecordType).fields.map((f) => f.name)
      fail(`${type.name} has no field ${segment} (fields: ${names.join(', ')})`)
    }
    type = field.type
  }
}

/** Resolves topics against a loaded schema set: types, subjects and partition keys. */
export function resolveTopics(
  topics: z.output<typeof kafkitConfigSchema>['topics'],
  set: SchemaSet,
  file: string | undefined,
): ResolvedTopic[] {
  return Object.keys(topics)
    .sort()
    .map((name) => {
      const t = topics[name]!
      const key = resolveSide(t.key, set, name, 'key', file)
      const value = resolveSide(t.value, set, name, 'value', file)
      const subject = (side: 'key' | 'value', s: ResolvedSide): string | undefined => {
        if (s.kind !== 'avro') return undefined
        return subjectName(t.subjectNameStrategy, name, side, s.fullName)
      }
      if (t.partitionKey !== undefined) checkPartitionKey(t.partitionKey, value, set, name, file)
      return {
        name,
        key,
        value,
        subjectNameStrategy: t.subjectNameStrategy,
        subjects: { key: subject('key', key), value: subject('value', value) },
        partitionKey: t.partitionKey,
      }
    })
}

/**
 * Loads `kafkit.config.(ts|js|json)` (a file, or a folder holding one), validates it and resolves every
 * topic's schemas and subjects. Used by `kafkit codegen` and `kafkit registry check`.
 */
export async function loadKafkitConfig(pathOrDir: string): Promise<LoadedKafkitConfig> {
  const configPath = await findConfigFile(pathOrDir)
  if (!configPath || !(await exists(configPath))) {
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      `no kafkit config found at ${resolve(pathOrDir)} (expected one of ${CONFIG_NAMES.join(', ')})`,
    )
  }
  const config = parseConfig(await importConfig(configPath), configPath)
  const base = dirname(configPath)
  const schemas = (Array.isArray(config.schemas) ? config.schemas : [config.schemas]).map((p) =>
    resolve(base, p),
  )
  const schemaSet = await loadSchemaSet(schemas, config.longMode)
  const out = config.out === undefined ? undefined : resolve(base, config.out)
  return {
    configPath,
    schemas,
    out,
    longMode: config.longMode,
    logicalTypes: config.logicalTypes,
    importExtension: config.importExtension ?? detectImportExtension(out ?? base).extension,
    topics: resolveTopics(config.topics, schemaSet, configPath),
    schemaSet,
  }
}

/**
 * tsx loads kafkit.config.ts through module.register(), which Node 26 deprecates (DEP0205): that
 * warning is about tsx, not about the user's config, so it is not emitted while the config loads.
 */
async function withoutRegisterDeprecation<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const first = rest[0]
    const code = typeof first === 'object' && first !== null ? (first as { code?: unknown }).code : rest[1]
    if (code === 'DEP0205') return
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    return await load()
  } finally {
    process.emitWarning = emitWarning
  }
}
