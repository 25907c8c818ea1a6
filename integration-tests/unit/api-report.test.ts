import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderApiReports, repoRoot } from '../../scripts/api-report'

describe('API reports (packages/*/api-report.md)', () => {
  const reports = renderApiReports()

  it('cover every published package', () => {
    expect([...reports.keys()].sort()).toEqual(
      ['cli', 'client', 'codegen', 'common', 'kafka-local', 'registry', 'registry-client']
        .map((d) => `packages/${d}/api-report.md`)
        .sort(),
    )
  })

  for (const [file, text] of reports) {
    it(`${file} matches the code (run \`npm run api:report\` and review the diff)`, () => {
      expect(readFileSync(join(repoRoot, file), 'utf8')).toBe(text)
    })
  }
}, 120_000)
