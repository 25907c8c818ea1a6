import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const read = (path: string) => readFileSync(join(repo, path), 'utf8')
const examples = readdirSync(join(repo, 'examples'), { withFileTypes: true })
  .filter(
    (e) =>
      e.isDirectory() && e.name !== 'support' && existsSync(join(repo, 'examples', e.name, 'package.json')),
  )
  .map((e) => e.name)

/** Relative link targets of a markdown file (no URLs, no in-page anchors). */
function links(path: string): string[] {
  const targets = [...read(path).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
  return targets.filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#')).map((t) => t.split('#')[0]!)
}

// The README and the docs index promise commands, pages and examples: keep those promises true.
describe('README and docs index', () => {
  it('keeps the two quick-start commands, and they are scripts of the root package', () => {
    const readme = read('README.md')
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm ci && npm test')
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>
    // Both run on a supported Node, which scripts/with-node.mjs brings in on an older system Node.
    expect(scripts.demo).toBe('node scripts/with-node.mjs node packages/cli/bin/kafkit.js demo')
    expect(scripts.test).toBe('node scripts/with-node.mjs vitest run')
  })

  it.each(['README.md', 'docs/README.md'])('every relative link in %s resolves', (file) => {
    const missing = links(file).filter((t) => !existsSync(resolve(repo, dirname(file), t)))
    expect(missing).toEqual([])
  })

  it('links every docs page from docs/README.md', () => {
    const linked = new Set(links('docs/README.md'))
    const pages = readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md')
    expect(pages.filter((p) => !linked.has(p))).toEqual([])
    for (const page of ['codegen.md', 'client.md', 'registry.md', 'errors.md']) expect(pages).toContain(page)
  })

  it('every example is a runnable, tested workspace listed in the README', () => {
    expect(examples.sort()).toEqual([
      'analytics',
      'log-aggregation',
      'order-service',
      'quickstart',
      'schema-evolution',
      'your-service',
    ])
    const readme = read('README.md')
    for (const name of examples) {
      const dir = join(repo, 'examples', name)
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      if (name === 'your-service') {
        // Built and started as a user's service is (its test installs it from npm pack tarballs).
        expect(pkg.scripts?.start).toBe('node dist/main.js')
        expect(pkg.scripts?.prebuild).toBe('kafkit codegen .')
        expect(readme).toContain(`(examples/${name})`)
        continue
      }
      expect(pkg.scripts?.start, name).toBe('tsx --conditions=source src/start.ts')
      expect(pkg.scripts?.typecheck, name).toMatch(
        /kafkit codegen .*--check.* && tsc -p tsconfig.json --noEmit$/,
      )
      expect(existsSync(join(dir, 'src', 'start.ts')), name).toBe(true)
      expect(
        readdirSync(join(dir, 'test')).some((f) => f.endsWith('.test.ts')),
        name,
      ).toBe(true)
      expect(readme, name).toContain(`(examples/${name})`)
    }
  })

  it('"Use Kafkit in your service" shows examples/your-service exactly as it runs in CI', () => {
    const readme = read('README.md')
    const section = readme.slice(
      readme.indexOf('## Use Kafkit in your service'),
      readme.indexOf('## Examples'),
    )
    const blocks = [...section.matchAll(/```(?:ts|json)\n([\s\S]*?)```/g)].map((m) => m[1])
    for (const file of ['kafkit.config.ts', 'tsconfig.json', 'src/config.ts', 'src/main.ts']) {
      expect(blocks, file).toContain(read(`examples/your-service/${file}`))
    }
    expect(section).toContain('npm install @kafkit/client')
    expect(section).toContain('kafkit codegen . --check')
  })
})
