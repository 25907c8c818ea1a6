import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRegistryApp, type RegistryApp } from '../src/index'
import { v1 } from './helpers/http-suite'

/** Whatever arrives, the registry answers 2xx/4xx with a Confluent error body, never a 5xx. */
describe('registry under arbitrary input', { timeout: 60_000 }, () => {
  let app: RegistryApp
  beforeAll(async () => {
    app = createRegistryApp()
    await app.registry.ready
    await app.inject({
      method: 'POST',
      url: '/subjects/base/versions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ schema: v1 }),
    })
  })
  afterAll(async () => {
    await app.close()
  })

  const routes = [
    ['POST', '/subjects/base/versions'],
    ['POST', '/subjects/base'],
    ['POST', '/compatibility/subjects/base/versions/latest?verbose=true'],
    ['POST', '/compatibility/subjects/base/versions'],
    ['PUT', '/config/base'],
    ['PUT', '/config'],
    ['PUT', '/mode/base'],
  ] as const

  const jsonish = fc.oneof(
    fc.json(),
    fc.string(),
    fc.jsonValue().map((v) => JSON.stringify({ schema: v })),
    fc.jsonValue().map((v) => JSON.stringify({ schema: JSON.stringify(v) })),
    fc.jsonValue().map((v) => JSON.stringify({ schema: v1, references: v })),
    fc.jsonValue().map((v) => JSON.stringify({ schema: v1, schemaType: v, id: v, version: v })),
    fc.jsonValue().map((v) => JSON.stringify({ compatibility: v, mode: v })),
  )

  it('never answers 5xx to arbitrary bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), jsonish, async ([method, url], payload) => {
        const res = await app.inject({
          method,
          url,
          headers: { 'content-type': 'application/json' },
          payload,
        })
        expect(res.statusCode).toBeLessThan(500)
        if (res.statusCode >= 400) {
          const body = JSON.parse(res.body)
          expect(typeof body.error_code).toBe('number')
          expect(typeof body.message).toBe('string')
        }
      }),
      { numRuns: 300 },
    )
  })

  it('never answers 5xx to arbitrary path segments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), async (a, b) => {
        const s = encodeURIComponent(a)
        const v = encodeURIComponent(b)
        for (const [method, url] of [
          ['GET', `/subjects/${s}/versions/${v}`],
          ['DELETE', `/subjects/${s}/versions/${v}?permanent=true`],
          ['GET', `/schemas/ids/${v}`],
          ['GET', `/config/${s}`],
          ['DELETE', `/subjects/${s}`],
        ] as const) {
          const res = await app.inject({ method, url })
          expect(res.statusCode).toBeLessThan(500)
        }
      }),
      { numRuns: 150 },
    )
  })
})
