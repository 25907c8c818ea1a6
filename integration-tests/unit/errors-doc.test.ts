import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_TABLES, renderErrorsDoc } from '../../scripts/errors-doc'

describe('docs/errors.md', () => {
  it('lists exactly the codes the packages define (run `npm run docs:errors` to refresh)', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    expect(doc).toBe(renderErrorsDoc())
    for (const [, table] of ERROR_TABLES) {
      for (const code of Object.keys(table)) expect(doc).toContain(`\`${code}\``)
    }
  })

  it('has no code defined in two packages', () => {
    const seen = new Map<string, string>()
    for (const [pkg, table] of ERROR_TABLES) {
      for (const code of Object.keys(table)) {
        expect(seen.get(code), `${code} in ${pkg} and ${seen.get(code)}`).toBeUndefined()
        seen.set(code, pkg)
      }
    }
  })
})
