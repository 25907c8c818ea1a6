import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
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
  readonly message: string
}

/** Type-checks files with the repo's strict compiler options (programmatic TypeScript API). */
export function typecheck(rootFiles: readonly string[]): Diagnostic[] {
  const configPath = join(repoRoot, 'tsconfig.base.json')
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot)
  const program = ts.createProgram(rootFiles, {
    ...parsed.options,
    noEmit: true,
    typeRoots: [join(repoRoot, 'node_modules/@types')],
  })
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
    if (!d.file || d.start === undefined) return { file: '', line: 0, message }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start)
    return { file: d.file.fileName, line: line + 1, message }
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
