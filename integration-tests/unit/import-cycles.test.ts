import { describe, expect, it } from 'vitest'
import { importCycles, importGraph } from '../../scripts/import-graph'

describe('import graph of packages/*/src', () => {
  const graph = importGraph()

  it('reads every package and follows relative and @kafkit/* imports', () => {
    expect(graph.get('packages/cli/src/program.ts')).toContain('packages/cli/src/commands/index.ts')
    expect(graph.get('packages/client/src/serdes/registry.ts')).toContain(
      'packages/registry-client/src/index.ts',
    )
  })

  it('finds a cycle when there is one (the checker can fail)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(importCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('has no import cycles, type-only imports included', () => {
    expect(importCycles(graph)).toEqual([])
  })
})
