import { existsSync, type FSWatcher, watch } from 'node:fs'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import {
  CodegenError,
  type GenerateOptions,
  type GenerateResult,
  generate,
  HEADER,
  type TopicConfig,
} from '@kafkit/codegen'
import type { Command } from 'commander'

interface CodegenFlags {
  out?: string
  check?: boolean
  watch?: boolean
  longMode?: string
  decimal?: string
  importExtension?: string
  topic?: string[]
}

const CONFIG_FILE = /kafkit\.config\.(m?ts|m?js|json)$/

function isConfigInput(input: string): boolean {
  if (CONFIG_FILE.test(input)) return true
  return ['ts', 'mts', 'js', 'mjs', 'json'].some((ext) => existsSync(join(input, `kafkit.config.${ext}`)))
}

/** `orders=com.acme.Order,key=string,strategy=topic,partitionKey=customerId` */
function parseTopicFlag(spec: string): [string, TopicConfig] {
  const [head, ...rest] = spec.split(',')
  const eq = head?.indexOf('=') ?? -1
  if (!head || eq <= 0) {
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      `--topic ${JSON.stringify(spec)}: expected <topic>=<value type>[,key=<type>][,strategy=topic|record|topic-record][,partitionKey=<field>]`,
    )
  }
  const topic: Record<string, string> = { value: head.slice(eq + 1) }
  for (const part of rest) {
    const [k, v] = part.split('=')
    const key = k === 'strategy' ? 'subjectNameStrategy' : k
    if (!key || v === undefined || !['key', 'subjectNameStrategy', 'partitionKey'].includes(key)) {
      throw new CodegenError(
        'KAFKIT_CODEGEN_INVALID_CONFIG',
        `--topic ${JSON.stringify(spec)}: unknown part ${part}`,
      )
    }
    topic[key] = v
  }
  return [head.slice(0, eq), topic as unknown as TopicConfig]
}

/** Generated files already in `dir` (recognised by the header), relative paths. */
async function existingGenerated(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const found: string[] = []
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue
    const text = await readFile(join(dir, e.name), 'utf8')
    if (text.startsWith(HEADER)) found.push(e.name)
  }
  return found
}

interface Plan {
  readonly out: string
  readonly changed: string[]
  readonly removed: string[]
}

async function plan(result: GenerateResult, out: string): Promise<Plan> {
  const changed: string[] = []
  for (const file of result.files) {
    const current = await readFile(join(out, file.path), 'utf8').catch(() => undefined)
    if (current !== file.contents) changed.push(file.path)
  }
  const wanted = new Set(result.files.map((f) => f.path))
  const removed = (await existingGenerated(out)).filter((p) => !wanted.has(p))
  return { out, changed, removed }
}

async function runOnce(input: string, flags: CodegenFlags): Promise<boolean> {
  const started = performance.now()
  let options: GenerateOptions
  if (isConfigInput(input)) {
    if (flags.topic?.length || flags.longMode || flags.decimal || flags.importExtension) {
      throw new CodegenError(
        'KAFKIT_CODEGEN_INVALID_CONFIG',
        '--topic, --long-mode, --decimal and --import-extension go in the config file when one is used ' +
          "(--decimal big.js is logicalTypes: { decimal: 'big.js' })",
      )
    }
    options = { config: input }
  } else {
    const topics: Record<string, TopicConfig> = {}
    for (const spec of flags.topic ?? []) {
      const [name, topic] = parseTopicFlag(spec)
      topics[name] = topic
    }
    options = {
      schemas: input,
      topics,
      ...(flags.longMode ? { longMode: flags.longMode as 'number' } : {}),
      ...(flags.decimal ? { logicalTypes: { decimal: flags.decimal as 'string' } } : {}),
      ...(flags.importExtension ? { importExtension: flags.importExtension as 'none' } : {}),
      // Where the files go decides the default import extension (nearest tsconfig.json).
      ...(flags.out ? { out: flags.out } : {}),
    }
  }
  const result = await generate(options)
  for (const warning of result.warnings) process.stderr.write(`kafkit codegen: warning: ${warning}\n`)
  const outDir = flags.out ?? result.out
  if (!outDir) {
    throw new CodegenError(
      'KAFKIT_CODEGEN_INVALID_CONFIG',
      'no output folder: pass --out <dir> (or set "out" in the config)',
    )
  }
  const out = resolve(outDir)
  const existing = await stat(out).catch(() => undefined)
  if (existing && !existing.isDirectory()) {
    throw new CodegenError('KAFKIT_CODEGEN_INVALID_CONFIG', `--out ${out} exists and is not a folder`)
  }
  const p = await plan(result, out)
  const shown = relative(process.cwd(), out) || '.'
  if (flags.check) {
    if (p.changed.length === 0 && p.removed.length === 0) {
      process.stdout.write(`kafkit codegen: ${shown} is up to date (${result.files.length} files)\n`)
      return true
    }
    for (const f of p.changed) process.stderr.write(`stale: ${join(shown, f)}\n`)
    for (const f of p.removed) process.stderr.write(`stale (no longer generated): ${join(shown, f)}\n`)
    process.stderr.write(
      'kafkit codegen: generated files are out of date; run kafkit codegen without --check\n',
    )
    return false
  }
  await mkdir(out, { recursive: true })
  for (const file of result.files) {
    if (!p.changed.includes(file.path)) continue
    await mkdir(dirname(join(out, file.path)), { recursive: true })
    await writeFile(join(out, file.path), file.contents)
  }
  for (const f of p.removed) await rm(join(out, f))
  const ms = Math.round(performance.now() - started)
  process.stdout.write(
    `kafkit codegen: ${result.types.length} types, ${result.topics.length} topics from ${result.inputs.length} files; ` +
      `${p.changed.length} written, ${p.removed.length} removed, ${result.files.length - p.changed.length} unchanged in ${shown} (${ms} ms)\n`,
  )
  return true
}

function report(error: unknown): void {
  const e = error as { code?: string; message?: string }
  process.stderr.write(`kafkit: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`)
}

async function watchLoop(input: string, flags: CodegenFlags): Promise<void> {
  const paths = new Set<string>([resolve(input)])
  const collectWatched = async () => {
    // Also watch the schema folders a config points at.
    if (isConfigInput(input)) {
      const { loadKafkitConfig } = await import('@kafkit/codegen')
      const config = await loadKafkitConfig(input).catch(() => undefined)
      for (const s of config?.schemas ?? []) paths.add(s)
    }
  }
  const run = async () => {
    try {
      await runOnce(input, flags)
    } catch (error) {
      report(error)
    }
  }
  await run()
  await collectWatched()
  let timer: NodeJS.Timeout | undefined
  const watchers: FSWatcher[] = []
  for (const path of paths) {
    const isDir = (await stat(path).catch(() => undefined))?.isDirectory() ?? false
    watchers.push(
      watch(path, { recursive: isDir }, (_event, name) => {
        if (name && !/\.(avsc|avdl|json|m?ts|m?js)$/.test(String(name))) return
        clearTimeout(timer)
        timer = setTimeout(() => void run(), 100)
      }),
    )
  }
  process.stdout.write(
    `kafkit codegen: watching ${[...paths].map((p) => relative(process.cwd(), p) || '.').join(', ')}\n`,
  )
  await new Promise<void>((done) => {
    const stop = () => {
      for (const w of watchers) w.close()
      clearTimeout(timer)
      done()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}

/** Registers the `codegen` command(s) on the program. */
export function registerCodegenCommands(program: Command): void {
  program
    .command('codegen')
    .description('Generate TypeScript types, zod validators, serdes and typed topics from Avro schemas')
    .argument(
      '<input>',
      'schemas folder or file (.avsc/.avdl), or a kafkit.config.(ts|js|json) / folder holding one',
    )
    .option('-o, --out <dir>', 'output folder (default: "out" of the config)')
    .option('--check', 'write nothing; exit 1 and name the stale files when the output is out of date')
    .option('--watch', 'regenerate whenever an input changes')
    .option('--long-mode <mode>', 'Avro long as "number" (default) or "bigint" (without a config)')
    .option(
      '--decimal <mapping>',
      'Avro decimal as "string" (default) or "big.js" (Big values; install big.js and @types/big.js) (without a config)',
    )
    .option(
      '--import-extension <ext>',
      'extension on imports between generated modules: "none" (bundlers) or ".js" (Node ESM); default: ".js" when the ' +
        'nearest tsconfig.json above the output folder has moduleResolution (or module) Node16/NodeNext, else "none"',
    )
    .option(
      '--topic <spec...>',
      'topic without a config: <topic>=<value type>[,key=<type>][,strategy=topic|record|topic-record][,partitionKey=<field>]',
    )
    .action(async (input: string, flags: CodegenFlags) => {
      if (flags.watch) {
        if (flags.check)
          throw new CodegenError('KAFKIT_CODEGEN_INVALID_CONFIG', '--watch and --check do not go together')
        await watchLoop(input, flags)
        return
      }
      if (!(await runOnce(input, flags))) process.exitCode = 1
    })
}
