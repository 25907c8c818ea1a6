import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type GenerateOptions, generate } from '@kafkit/codegen'
import ts from 'typescript'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** The shared reference corpus, used from its place beside the checkout (never copied). */
export const corpus = resolve(repoRoot, '../shared/reference/avro-schemas')
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
