import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startRegistry } from '@kafkit/registry'
import { generatedDrift, runId } from 'kafkit-example-support'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { main } from '../src/main'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
const kafkitBin = fileURLToPath(new URL('../../../packages/cli/bin/kafkit.js', import.meta.url))

function kafkit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [kafkitBin, ...args],
      { cwd: exampleDir, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
      },
    )
  })
}

describe('examples/schema-evolution', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>
  beforeAll(async () => {
    registry = await startRegistry({ port: 0 })
  })
  afterAll(async () => {
    await registry?.close()
  })

  it('committed generated code of v1, v2 and v3 matches the schemas', async () => {
    for (const v of ['v1', 'v2', 'v3'])
      expect(await generatedDrift(`${exampleDir}schemas/${v}`), v).toEqual([])
  })

  it('v2 reads v1 records with defaults; v3 is refused by the guard and by `kafkit registry check`', async () => {
    const id = runId()
    const result = await main({ brokers: inject('kafkaBrokers'), registryUrl: registry.url, runId: id })
    expect(result.subject).toBe(`profiles-${id}-value`)
    expect(result.readByV2.map((r) => r.value)).toEqual([
      { userId: 'u-1', name: 'Ada', email: 'ada@example.com', country: null, tier: 'BASIC' },
      { userId: 'u-2', name: 'Alan', email: 'alan@example.com', country: null, tier: 'BASIC' },
      { userId: 'u-3', name: 'Grace', email: 'grace@example.com', country: 'US', tier: 'PRO' },
    ])
    // Two writer schemas on one topic: the v1 records carry v1's id, the last one v2's.
    const [a, b, c] = result.readByV2.map((r) => r.writerSchemaId)
    expect(a).toBe(b)
    expect(c).not.toBe(a)
    // v3 never got registered.
    expect(result.versions).toEqual([1, 2])
    expect(result.guardRefusal.code).toBe('KAFKIT_CLIENT_SCHEMA_REFUSED')
    expect(result.guardRefusal.reasons.join('\n')).toMatch(/TYPE_MISMATCH/)
    expect(result.guardRefusal.reasons.join('\n')).toMatch(/READER_FIELD_MISSING_DEFAULT_VALUE.*phone/)
    expect(result.ciCheck.status).toBe('INCOMPATIBLE')

    // The real CLI, as CI runs it: v3 fails the gate (exit 1, reasons listed), v2 passes.
    const v3 = await kafkit([
      'registry',
      'check',
      'schemas/v3/user-profile.avsc',
      '--registry',
      registry.url,
      '--subject',
      `user-profile.avsc=${result.subject}`,
    ])
    expect(v3.code, v3.stderr).toBe(1)
    expect(v3.stdout).toMatch(new RegExp(`INCOMPATIBLE\\s+${result.subject}`))
    expect(v3.stdout).toContain('phone')
    const v2 = await kafkit([
      'registry',
      'check',
      'schemas/v2/user-profile.avsc',
      '--registry',
      registry.url,
      '--subject',
      `user-profile.avsc=${result.subject}`,
    ])
    expect(v2.code, v2.stdout + v2.stderr).toBe(0)
    expect(v2.stdout).toMatch(new RegExp(`OK\\s+${result.subject}`))
  })
})
