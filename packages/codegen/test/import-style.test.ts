import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { detectImportExtension, generate } from '@kafkit/codegen'
import { describe, expect, it } from 'vitest'
import { stripJsonc } from '../src/import-style'
import { fixtures } from './helpers'

const tsconfigs = join(fixtures, 'tsconfig')

describe('default import extension from the nearest tsconfig.json', () => {
  it('NodeNext/Node16 resolution means .js, following extends; bundler resolution means none', () => {
    // `module: NodeNext` inherited through `extends: "./tsconfig.base"` (no .json), no moduleResolution.
    expect(detectImportExtension(join(tsconfigs, 'nodenext', 'src', 'generated'))).toEqual({
      extension: '.js',
      tsconfig: join(tsconfigs, 'nodenext', 'tsconfig.json'),
    })
    expect(detectImportExtension(join(tsconfigs, 'node16-resolution')).extension).toBe('.js')
    // moduleResolution Bundler over a NodeNext base: the project's own setting wins.
    expect(detectImportExtension(join(tsconfigs, 'bundler-over-nodenext', 'gen')).extension).toBe('none')
    // extends as an array (TypeScript 5): later entries win.
    expect(detectImportExtension(join(tsconfigs, 'extends-array')).extension).toBe('.js')
    // The repo itself: moduleResolution Bundler.
    expect(detectImportExtension(fixtures).extension).toBe('none')
  })

  it('no tsconfig.json anywhere above: no extension', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkit-no-tsconfig-'))
    try {
      expect(detectImportExtension(join(dir, 'out'))).toEqual({ extension: 'none', tsconfig: undefined })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('an unreadable tsconfig decides nothing (TypeScript will report it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafkit-bad-tsconfig-'))
    try {
      writeFileSync(join(dir, 'tsconfig.json'), '{ "compilerOptions": { "module": ')
      expect(detectImportExtension(dir).extension).toBe('none')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads JSONC: comments and trailing commas, never touching strings', () => {
    const text = '{\n  // c\n  "a": "x // not a comment, }", /* b */\n  "b": [1, 2,],\n}'
    expect(JSON.parse(stripJsonc(text))).toEqual({ a: 'x // not a comment, }', b: [1, 2] })
  })

  it('generate() writes .js under a NodeNext project, none under a bundler one; the option overrides', async () => {
    const schemas = join(fixtures, 'all-constructs')
    const files = async (options: Omit<Parameters<typeof generate>[0] & { schemas: string }, 'schemas'>) =>
      (await generate({ schemas, ...options })).files
    const node = await files({ out: join(tsconfigs, 'nodenext', 'src', 'generated') })
    const index = node.find((f) => f.path === 'index.ts')!.contents
    expect(index).toContain("export * from './topics.js'")
    expect(index).toContain("from './com.kafkit.shop.avro.js'")
    const bundler = await files({ out: join(tsconfigs, 'bundler-over-nodenext', 'gen') })
    expect(bundler.every((f) => !/from '\.\/[^']*\.js'/.test(f.contents))).toBe(true)
    const forcedNone = await files({ out: join(tsconfigs, 'nodenext', 'gen'), importExtension: 'none' })
    expect(forcedNone).toEqual(bundler)
    const forcedJs = await files({
      out: join(tsconfigs, 'bundler-over-nodenext', 'gen'),
      importExtension: '.js',
    })
    expect(forcedJs).toEqual(node)
  })
})
