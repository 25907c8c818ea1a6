import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The import graph of every package's src/ (relative imports, and `@kafkit/<pkg>[/<subpath>]` to that
 * package's entry file), type-only imports included: a cycle through types still couples two modules
 * both ways. Used by integration-tests/unit/import-cycles.test.ts.
 */

const root = fileURLToPath(new URL('..', import.meta.url))
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'/g

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (name.endsWith('.ts')) out.push(path)
  }
  return out
}

function resolveFile(base: string): string | undefined {
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return undefined
}

function resolvePackage(specifier: string): string | undefined {
  const m = /^@kafkit\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(specifier)
  if (!m) return undefined
  const pkgJson = join(root, 'packages', m[1]!, 'package.json')
  if (!existsSync(pkgJson)) return undefined
  const exports = JSON.parse(readFileSync(pkgJson, 'utf8')).exports as Record<string, { source?: string }>
  const source = exports[m[2] ? `./${m[2]}` : '.']?.source
  return source ? join(root, 'packages', m[1]!, source) : undefined
}

/** Repo-relative file -> the repo-relative files it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const packages = readdirSync(join(root, 'packages'))
  for (const pkg of packages) {
    const src = join(root, 'packages', pkg, 'src')
    if (!existsSync(src)) continue
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, 'utf8')
      const deps = new Set<string>()
      for (const m of text.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2]!
        const target = spec.startsWith('.') ? resolveFile(join(dirname(file), spec)) : resolvePackage(spec)
        if (target) deps.add(relative(root, target))
      }
      graph.set(relative(root, file), [...deps].sort())
    }
  }
  return graph
}

/** Every strongly connected component with more than one module (or a module importing itself). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (v: string): void => {
    indices.set(v, index)
    low.set(v, index)
    index++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!))
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!indices.has(v)) visit(v)
  return cycles
}
