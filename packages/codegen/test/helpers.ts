import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type GenerateOptions, generate } from '@kafkit/codegen'
import ts from 'typescript'
import type { AvroCorpus } from '../../common/test/fixtures/avro-corpora'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
export const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures')
export const cliBin = join(repoRoot, 'packages/cli/bin/kafkit.js')

/** A temp folder whose node_modules points at the repo's, so generated code resolves zod and @kafkit/common. */
export function tempProject(prefix = 'kafkit-codegen-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function generateInto(dir: string, options: GenerateOptions): Promise<string[]> {
  const result = await generate(options)
  mkdirSync(dir, { recursive: true })
  for (const f of result.files) writeFileSync(join(dir, f.path), f.contents)
  return result.files.map((f) => f.path)
}

export interface Diagnostic {
  readonly file: string
  readonly line: number
  /** TypeScript's error number (2835: relative import without the extension Node needs). */
  readonly code: number
  readonly message: string
}

/** The repo's strict compiler options (tsconfig.base.json: moduleResolution Bundler). */
export function baseCompilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.base.json')
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p))
  return ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot).options
}

/** Type-checks files with the repo's strict compiler options (programmatic TypeScript API), optionally changed. */
export function typecheck(rootFiles: readonly string[], overrides: ts.CompilerOptions = {}): Diagnostic[] {
  const program = ts.createProgram(rootFiles, {
    ...baseCompilerOptions(),
    noEmit: true,
    typeRoots: [join(repoRoot, 'node_modules/@types')],
    ...overrides,
  })
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const code = d.code
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    if (!d.file || d.start === undefined) return { file: '', line: 0, code, message }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start)
    return { file: d.file.fileName, line: line + 1, code, message }
  })
}

export interface CorpusInput {
  readonly name: string
  /** A file or a folder (multi-file sets are read as a whole). */
  readonly schemas: string
}

/** What codegen reads from a corpus: every single file, every multi-file set, every readable IDL file. */
export function corpusInputs(corpus: AvroCorpus): CorpusInput[] {
  return [
    ...corpus.singleFiles.map((f) => ({ name: f, schemas: join(corpus.dir, f) })),
    ...[...Object.keys(corpus.avscSets), ...corpus.idlSets].map((d) => ({
      name: `multi-file/${d}`,
      schemas: join(corpus.dir, 'multi-file', d),
    })),
    ...corpus.idlFiles.map((f) => ({ name: `idl/${f}`, schemas: join(corpus.dir, 'idl', f) })),
  ]
}

/**
 * A Node ESM project (package.json "type": "module", tsconfig module NodeNext) for generated code, with
 * zod and a declaration-only build of @kafkit/common in its node_modules: the repo's @kafkit/common is
 * TypeScript source with extensionless imports, which NodeNext would reject in it, not in generated code.
 */
export function nodeNextProject(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kafkit-codegen-nodenext-'))
  const modules = join(dir, 'node_modules')
  mkdirSync(join(modules, '@kafkit'), { recursive: true })
  for (const pkg of ['zod', 'avsc', 'big.js', '@types'])
    symlinkSync(join(repoRoot, 'node_modules', pkg), join(modules, pkg), 'dir')
  const common = join(modules, '@kafkit', 'common')
  const program = ts.createProgram([join(repoRoot, 'packages/common/src/index.ts')], {
    ...baseCompilerOptions(),
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    sourceMap: false,
    noEmit: false,
    rootDir: join(repoRoot, 'packages/common/src'),
    outDir: common,
    typeRoots: [join(repoRoot, 'node_modules/@types')],
  })
  const emitted = program.emit()
  if (emitted.emitSkipped) throw new Error('could not emit the declarations of @kafkit/common')
  // No "type": these declarations are CommonJS-format, so their own extensionless imports resolve.
  writeFileSync(
    join(common, 'package.json'),
    JSON.stringify({ name: '@kafkit/common', types: './index.d.ts' }),
  )
  // Generated code imports only @kafkit/client/codegen-runtime: declare that entry as the client
  // package does (it re-exports @kafkit/common and Kafkit's zod).
  const client = join(modules, '@kafkit', 'client')
  mkdirSync(client, { recursive: true })
  writeFileSync(
    join(client, 'codegen-runtime.d.ts'),
    readFileSync(join(repoRoot, 'packages/client/src/codegen-runtime.ts'), 'utf8'),
  )
  writeFileSync(
    join(client, 'package.json'),
    JSON.stringify({
      name: '@kafkit/client',
      exports: { './codegen-runtime': { types: './codegen-runtime.d.ts' } },
    }),
  )
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nodenext-app', type: 'module' }))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext' } }))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** NodeNext over the repo's strict options: what `module: NodeNext` in a project's tsconfig means. */
export const NODE_NEXT: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: [],
}
