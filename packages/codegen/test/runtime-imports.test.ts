import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generate } from '../src/index'

const schemas = fileURLToPath(new URL('./fixtures/all-constructs', import.meta.url))

describe('generated code imports', () => {
  it('imports nothing but @kafkit/client/codegen-runtime and its own files (no zod, no @kafkit/common)', async () => {
    const result = await generate({ schemas, topics: {} })
    const specifiers = result.files.flatMap((f) =>
      [...f.contents.matchAll(/^(?:import|export)[^'\n]*from '([^']+)'/gm)].map((m) => m[1] as string),
    )
    expect(specifiers.length).toBeGreaterThan(0)
    const packages = new Set(specifiers.filter((s) => !s.startsWith('./')))
    expect([...packages]).toEqual(['@kafkit/client/codegen-runtime'])
  })
})
