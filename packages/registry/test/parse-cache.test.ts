import { describe, expect, it } from 'vitest'
import { parseAvroSchema } from '../src/index'
import { parseAvroSchemaCached } from '../src/schema/parse-cache'

const record = (name: string, type = 'string') =>
  JSON.stringify({ type: 'record', name, fields: [{ name: 'a', type }] })

describe('parseAvroSchemaCached', () => {
  it('returns the same parse for the same text and references, equal to an uncached parse', () => {
    const text = record(`Cached${Math.random().toString(36).slice(2)}`)
    const first = parseAvroSchemaCached(text)
    expect(parseAvroSchemaCached(text)).toBe(first)
    const fresh = parseAvroSchema(text)
    expect(first.canonical).toBe(fresh.canonical)
    expect(first.normalized).toBe(fresh.normalized)
    expect(first.fingerprint).toBe(fresh.fingerprint)
  })

  it('keys on the referenced schemas too, so a changed reference is parsed again', () => {
    const text = JSON.stringify({ type: 'record', name: 'Outer', fields: [{ name: 'r', type: 'Ref' }] })
    const ref = (type: string) => [{ name: 'Ref', subject: 'ref', version: 1, schema: record('Ref', type) }]
    const a = parseAvroSchemaCached(text, { references: ref('string') })
    const b = parseAvroSchemaCached(text, { references: ref('long') })
    expect(b).not.toBe(a)
    expect(parseAvroSchemaCached(text, { references: ref('string') })).toBe(a)
    expect(JSON.stringify(a.references)).toContain('string')
    expect(JSON.stringify(b.references)).toContain('long')
  })

  it('does not cache a failure: the same bad text throws the same typed error every time', () => {
    const bad = JSON.stringify({ type: 'record', name: 'Bad', fields: [{ name: 'a' }] })
    for (let i = 0; i < 2; i++) {
      expect(() => parseAvroSchemaCached(bad)).toThrow(
        expect.objectContaining({ code: 'KAFKIT_REGISTRY_INVALID_SCHEMA' }),
      )
    }
  })
})
