import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import type { ImportExtension } from './types'

/*
 * The default import style of generated code follows the project it lands in: the nearest tsconfig.json
 * from the output folder upward (following `extends`). Node's own resolution (module/moduleResolution
 * Node16, Node18, Node20 or NodeNext) needs `.js` on relative imports (else TS2835); bundler-style
 * resolution wants none.
 */

export interface DetectedImportStyle {
  readonly extension: ImportExtension
  /** The tsconfig that decided it, or undefined when none was found (then no extension). */
  readonly tsconfig: string | undefined
}

const NODE_RESOLUTION = new Set(['node16', 'node18', 'node20', 'nodenext'])

/** Reads the nearest tsconfig.json at or above `fromDir` (which need not exist yet). */
export function detectImportExtension(fromDir: string): DetectedImportStyle {
  const tsconfig = nearestTsconfig(resolve(fromDir))
  if (!tsconfig) return { extension: 'none', tsconfig: undefined }
  const options = compilerOptions(tsconfig, new Set())
  const resolution = lower(options.moduleResolution)
  const module = lower(options.module)
  // Without moduleResolution, TypeScript derives it from module (node16/nodenext imply their own).
  const node = resolution ? NODE_RESOLUTION.has(resolution) : module ? NODE_RESOLUTION.has(module) : false
  return { extension: node ? '.js' : 'none', tsconfig }
}

function lower(v: unknown): string | undefined {
  return typeof v === 'string' ? v.toLowerCase() : undefined
}

function nearestTsconfig(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'tsconfig.json')
    if (existsSync(candidate)) return candidate
    if (dirname(d) === d) return undefined
  }
}

/** compilerOptions of a tsconfig with its `extends` chain applied (later and own options win). */
function compilerOptions(file: string, seen: Set<string>): Record<string, unknown> {
  if (seen.has(file)) return {}
  seen.add(file)
  let json: { extends?: unknown; compilerOptions?: Record<string, unknown> }
  try {
    json = JSON.parse(stripJsonc(readFileSync(file, 'utf8')))
  } catch {
    // An unreadable tsconfig decides nothing; TypeScript itself will report it.
    return {}
  }
  const bases = Array.isArray(json.extends) ? json.extends : json.extends === undefined ? [] : [json.extends]
  let merged: Record<string, unknown> = {}
  for (const base of bases) {
    if (typeof base !== 'string') continue
    const path = resolveExtends(base, dirname(file))
    if (path) merged = { ...merged, ...compilerOptions(path, seen) }
  }
  return { ...merged, ...(json.compilerOptions ?? {}) }
}

/** `./base.json`, `../tsconfig.base`, or a package (`@tsconfig/node20/tsconfig.json`, `@tsconfig/node20`). */
function resolveExtends(spec: string, fromDir: string): string | undefined {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const path = resolve(fromDir, spec)
    for (const p of [path, `${path}.json`, join(path, 'tsconfig.json')])
      if (existsSync(p) && !isDir(p)) return p
    return undefined
  }
  const require = createRequire(join(fromDir, 'tsconfig.json'))
  for (const candidate of [spec, `${spec}.json`, `${spec}/tsconfig.json`]) {
    try {
      return require.resolve(candidate)
    } catch {
      // try the next form
    }
  }
  return undefined
}

function isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false
}

/** tsconfig.json is JSONC: drop comments, then trailing commas, leaving strings untouched. */
export function stripJsonc(text: string): string {
  return scan(scan(text, 'comments'), 'trailing-commas')
}

function scan(text: string, drop: 'comments' | 'trailing-commas'): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') {
      const start = i
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
      out += text.slice(start, i + 1)
    } else if (drop === 'comments' && c === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
    } else if (drop === 'comments' && c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end < 0 ? text.length : end + 1
    } else if (drop === 'trailing-commas' && c === ',' && /^\s*[}\]]/.test(text.slice(i + 1))) {
      // dropped
    } else out += c
  }
  return out
}
