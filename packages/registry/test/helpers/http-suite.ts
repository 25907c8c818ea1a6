import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRegistryApp, type RegistryApp, type RegistryServerOptions } from '../../src/index'

/**
 * The registry's HTTP behaviour, run in-process with `app.inject` against one store backend.
 * Used by the memory and file suites (unit) and the Kafka suite (integration).
 */

export interface Answer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  body: any
  headers: Record<string, unknown>
}

export async function call(
  app: RegistryApp,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await app.inject({
    method,
    url,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/vnd.schemaregistry.v1+json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  })
  let parsed: unknown = res.body
  try {
    parsed = JSON.parse(res.body)
  } catch {}
  return { status: res.statusCode, body: parsed, headers: res.headers as Record<string, unknown> }
}

export const uniq = (prefix = 's') => `${prefix}-${randomUUID().slice(0, 8)}`

export const record = (name: string, fields: Array<Record<string, unknown>>) =>
  JSON.stringify({ type: 'record', name, fields })

export const v1 = record('User', [{ name: 'id', type: 'long' }])
export const v2 = record('User', [
  { name: 'id', type: 'long' },
  { name: 'email', type: ['null', 'string'], default: null },
])
/** Adds a field without default: not BACKWARD compatible with v1/v2. */
export const bad = record('User', [
  { name: 'id', type: 'long' },
  { name: 'age', type: 'int' },
])

export function registryHttpSuite(label: string, makeOptions: () => Promise<RegistryServerOptions>): void {
  describe(`registry HTTP API (${label} store)`, () => {
    let app: RegistryApp

    beforeAll(async () => {
      app = createRegistryApp(await makeOptions())
      await app.registry.ready
    })
    afterAll(async () => {
      await app?.close()
    })

    const register = (subject: string, schema: string, extra: Record<string, unknown> = {}, query = '') =>
      call(app, 'POST', `/subjects/${encodeURIComponent(subject)}/versions${query}`, { schema, ...extra })

    it('registers, returns the same id again, and shares ids across subjects', async () => {
      const a = uniq()
      const b = uniq()
      const first = await register(a, v1)
      expect(first.status).toBe(200)
      expect(typeof first.body.id).toBe('number')
      expect(first.headers['content-type']).toContain('application/vnd.schemaregistry.v1+json')
      expect((await register(a, v1)).body).toEqual({ ...first.body })
      // Whitespace and key order inside the JSON do not make a new schema.
      const spaced = JSON.stringify(JSON.parse(v1), null, 4)
      expect((await register(a, spaced)).body).toEqual({ ...first.body })
      expect((await call(app, 'GET', `/subjects/${a}/versions`)).body).toEqual([1])
      const other = await register(b, v1)
      expect(other.body.id).toBe(first.body.id)
      const second = await register(a, v2)
      expect(second.status).toBe(200)
      expect(second.body.id).not.toBe(first.body.id)
      expect((await call(app, 'GET', `/subjects/${a}/versions`)).body).toEqual([1, 2])
    })

    it('serves schemas by id, their subjects and versions, and the schema list', async () => {
      const s = uniq()
      const { id } = (await register(s, v1)).body
      const byId = await call(app, 'GET', `/schemas/ids/${id}`)
      expect(byId.status).toBe(200)
      expect(JSON.parse(byId.body.schema)).toEqual(JSON.parse(v1))
      expect(byId.body.schemaType).toBeUndefined()
      const raw = await call(app, 'GET', `/schemas/ids/${id}/schema`)
      expect(raw.body).toEqual(JSON.parse(v1))
      expect((await call(app, 'GET', `/schemas/ids/${id}/subjects`)).body).toContain(s)
      expect((await call(app, 'GET', `/schemas/ids/${id}/versions`)).body).toContainEqual({
        subject: s,
        version: 1,
      })
      expect((await call(app, 'GET', '/schemas/types')).body).toEqual(['AVRO'])
      const list = await call(app, 'GET', `/schemas?subjectPrefix=${s}`)
      expect(list.body).toEqual([
        { subject: s, version: 1, id, guid: byId.body.guid, schema: byId.body.schema },
      ])
      const missing = await call(app, 'GET', '/schemas/ids/987654321')
      expect(missing.status).toBe(404)
      expect(missing.body.error_code).toBe(40403)
      expect((await call(app, 'GET', '/schemas/ids/notanumber')).body.error_code).toBe(40403)
    })

    it('gets versions by number, latest and -1, with /schema and /referencedby', async () => {
      const s = uniq()
      await register(s, v1)
      const { id } = (await register(s, v2)).body
      for (const v of ['2', 'latest', '-1']) {
        const got = await call(app, 'GET', `/subjects/${s}/versions/${v}`)
        expect(got.status).toBe(200)
        expect(got.body).toMatchObject({ subject: s, version: 2, id })
      }
      expect((await call(app, 'GET', `/subjects/${s}/versions/1/schema`)).body).toEqual(JSON.parse(v1))
      expect((await call(app, 'GET', `/subjects/${s}/versions/1/referencedby`)).body).toEqual([])
      const subjects = await call(app, 'GET', '/subjects')
      expect(subjects.body).toContain(s)
    })

    it('looks a schema up under a subject', async () => {
      const s = uniq()
      const { id } = (await register(s, v1)).body
      const found = await call(app, 'POST', `/subjects/${s}`, {
        schema: JSON.stringify(JSON.parse(v1), null, 2),
      })
      expect(found.status).toBe(200)
      expect(found.body).toMatchObject({ subject: s, id, version: 1 })
      const notThere = await call(app, 'POST', `/subjects/${s}`, { schema: v2 })
      expect(notThere.status).toBe(404)
      expect(notThere.body.error_code).toBe(40403)
      const noSubject = await call(app, 'POST', `/subjects/${uniq()}`, { schema: v1 })
      expect(noSubject.body.error_code).toBe(40401)
    })

    it('rejects incompatible schemas with 40901 and the reasons, and never registers on compatibility tests', async () => {
      const s = uniq()
      await register(s, v1)
      const rejected = await register(s, bad)
      expect(rejected.status).toBe(409)
      expect(rejected.body.error_code).toBe(40901)
      expect(rejected.body.message).toContain('age')

      const verbose = await call(app, 'POST', `/compatibility/subjects/${s}/versions/latest?verbose=true`, {
        schema: bad,
      })
      expect(verbose.status).toBe(200)
      expect(verbose.body.is_compatible).toBe(false)
      expect(verbose.body.messages.join(' ')).toContain('age')
      // Confluent's trailer names the version that failed and the level.
      expect(verbose.body.messages).toContain('{oldSchemaVersion: 1}')
      expect(verbose.body.messages.at(-1)).toContain("compatibility: 'BACKWARD'")
      expect(rejected.body.message).toContain('{oldSchemaVersion: 1}')
      const quiet = await call(app, 'POST', `/compatibility/subjects/${s}/versions/1`, { schema: v2 })
      expect(quiet.body).toEqual({ is_compatible: true })
      const all = await call(app, 'POST', `/compatibility/subjects/${s}/versions`, { schema: v2 })
      expect(all.body).toEqual({ is_compatible: true })
      const fresh = await call(app, 'POST', `/compatibility/subjects/${uniq()}/versions`, { schema: bad })
      expect(fresh.body).toEqual({ is_compatible: true })
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([1])
      const missingVersion = await call(app, 'POST', `/compatibility/subjects/${s}/versions/7`, {
        schema: v2,
      })
      expect(missingVersion.body.error_code).toBe(40402)
      // Confluent: latest of an unknown subject is compatible; a numbered version of it is not found.
      const missingSubject = await call(app, 'POST', `/compatibility/subjects/${uniq()}/versions/latest`, {
        schema: v2,
      })
      expect(missingSubject.body).toEqual({ is_compatible: true })
      const missingNumbered = await call(app, 'POST', `/compatibility/subjects/${uniq()}/versions/1`, {
        schema: v2,
      })
      expect(missingNumbered.body.error_code).toBe(40402)
      // An unparsable schema is 42201, or an incompatible answer with the reason when verbose.
      const broken = { schema: '{"type": "nope"}' }
      expect((await call(app, 'POST', `/compatibility/subjects/${s}/versions`, broken)).body.error_code).toBe(
        42201,
      )
      const brokenVerbose = await call(
        app,
        'POST',
        `/compatibility/subjects/${s}/versions?verbose=true`,
        broken,
      )
      expect(brokenVerbose.status).toBe(200)
      expect(brokenVerbose.body.is_compatible).toBe(false)
      expect(brokenVerbose.body.messages).toHaveLength(1)
    })

    it('follows subject-level config over the global one; 40408 and defaultToGlobal', async () => {
      const s = uniq()
      const global = await call(app, 'GET', '/config')
      expect(global.body).toEqual({ compatibilityLevel: 'BACKWARD' })
      const none = await call(app, 'GET', `/config/${s}`)
      expect(none.status).toBe(404)
      expect(none.body.error_code).toBe(40408)
      expect((await call(app, 'GET', `/config/${s}?defaultToGlobal=true`)).body).toEqual({
        compatibilityLevel: 'BACKWARD',
      })
      const set = await call(app, 'PUT', `/config/${s}`, { compatibility: 'none' })
      expect(set.body).toEqual({ compatibility: 'NONE' })
      expect((await call(app, 'GET', `/config/${s}`)).body).toEqual({ compatibilityLevel: 'NONE' })
      await register(s, v1)
      expect((await register(s, bad)).status).toBe(200) // NONE allows anything
      const removed = await call(app, 'DELETE', `/config/${s}`)
      expect(removed.body).toEqual({ compatibilityLevel: 'NONE' })
      expect((await call(app, 'GET', `/config/${s}`)).body.error_code).toBe(40408)
      const invalid = await call(app, 'PUT', `/config/${s}`, { compatibility: 'SIDEWAYS' })
      expect(invalid.status).toBe(422)
      expect(invalid.body.error_code).toBe(42203)
      expect((await call(app, 'PUT', '/config', { compatibility: 12 })).body.error_code).toBe(42203)
      const deleteUnknown = await call(app, 'DELETE', `/config/${uniq()}`)
      expect(deleteUnknown.body.error_code).toBe(40401)
    })

    it('transitive levels check every live version; plain levels only the latest', async () => {
      const s = uniq()
      await call(app, 'PUT', `/config/${s}`, { compatibility: 'BACKWARD' })
      const a = record('T', [{ name: 'x', type: 'int' }])
      const b = record('T', [{ name: 'y', type: 'int', default: 0 }])
      const c = record('T', [
        { name: 'y', type: 'int', default: 0 },
        { name: 'z', type: 'int', default: 1 },
      ])
      await register(s, a)
      expect((await register(s, b)).status).toBe(200)
      const tooOld = record('T', [
        { name: 'x', type: 'int' },
        { name: 'y', type: 'int', default: 0 },
      ])
      // Under BACKWARD only b matters: reading b's data with tooOld needs x, which b lacks.
      expect((await register(s, tooOld)).body.error_code).toBe(40901)
      expect((await register(s, c)).status).toBe(200)
      // z without a default reads c's data (latest) but not a's or b's.
      const onlyZ = { schema: record('T', [{ name: 'z', type: 'int' }]) }
      const plain = await call(app, 'POST', `/compatibility/subjects/${s}/versions/latest`, onlyZ)
      expect(plain.body.is_compatible).toBe(true)
      await call(app, 'PUT', `/config/${s}`, { compatibility: 'BACKWARD_TRANSITIVE' })
      // Like register, the version-less endpoint checks every live version: z cannot read a's or b's data.
      const check = await call(app, 'POST', `/compatibility/subjects/${s}/versions?verbose=true`, onlyZ)
      expect(check.body.is_compatible).toBe(false)
      expect((await register(s, onlyZ.schema)).body.error_code).toBe(40901)
      // `latest` checks against the latest version only, as Confluent does.
      const latestOnly = await call(app, 'POST', `/compatibility/subjects/${s}/versions/latest`, onlyZ)
      expect(latestOnly.body.is_compatible).toBe(true)
    })

    it('soft and hard deletes versions and subjects with Confluent numbering and errors', async () => {
      const s = uniq()
      await call(app, 'PUT', `/config/${s}`, { compatibility: 'NONE' })
      const { id: id1 } = (await register(s, v1)).body
      await register(s, v2)
      // soft delete version 2
      expect((await call(app, 'DELETE', `/subjects/${s}/versions/2`)).body).toBe(2)
      const again = await call(app, 'DELETE', `/subjects/${s}/versions/2`)
      expect(again.body.error_code).toBe(40406)
      expect((await call(app, 'GET', `/subjects/${s}/versions/2`)).body.error_code).toBe(40402)
      expect((await call(app, 'GET', `/subjects/${s}/versions/2?deleted=true`)).body.version).toBe(2)
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([1])
      expect((await call(app, 'GET', `/subjects/${s}/versions?deleted=true`)).body).toEqual([1, 2])
      expect((await call(app, 'GET', `/subjects/${s}/versions?deletedOnly=true`)).body).toEqual([2])
      // a new schema gets version 3: soft-deleted versions are not reused
      const v3 = record('User', [{ name: 'id', type: 'string' }])
      await register(s, v3)
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([1, 3])
      // hard delete needs a soft delete first
      expect((await call(app, 'DELETE', `/subjects/${s}/versions/1?permanent=true`)).body.error_code).toBe(
        40407,
      )
      expect((await call(app, 'DELETE', `/subjects/${s}/versions/2?permanent=true`)).body).toBe(2)
      expect((await call(app, 'GET', `/subjects/${s}/versions?deleted=true`)).body).toEqual([1, 3])
      expect((await call(app, 'GET', `/subjects/${s}/versions/2?deleted=true`)).body.error_code).toBe(40402)
      // subject: soft, then 40404 on a second soft delete, 40405 for hard before soft
      expect((await call(app, 'DELETE', `/subjects/${s}?permanent=true`)).body.error_code).toBe(40405)
      expect((await call(app, 'DELETE', `/subjects/${s}`)).body).toEqual([1, 3])
      expect((await call(app, 'DELETE', `/subjects/${s}`)).body.error_code).toBe(40404)
      expect((await call(app, 'GET', '/subjects')).body).not.toContain(s)
      expect((await call(app, 'GET', '/subjects?deleted=true')).body).toContain(s)
      expect((await call(app, 'GET', `/subjects?deletedOnly=true&subjectPrefix=${s}`)).body).toEqual([s])
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body.error_code).toBe(40401)
      // soft-deleted schemas stay readable by id (consumers need them)
      expect((await call(app, 'GET', `/schemas/ids/${id1}`)).status).toBe(200)
      // re-registering after a soft delete continues the numbering and keeps the id
      expect((await register(s, v1)).body.id).toBe(id1)
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([4])
      await call(app, 'DELETE', `/subjects/${s}`)
      expect((await call(app, 'DELETE', `/subjects/${s}?permanent=true`)).body).toEqual([1, 3, 4])
      expect((await call(app, 'GET', `/subjects/${s}/versions?deleted=true`)).body.error_code).toBe(40401)
      // subject-level config goes away with the hard delete
      expect((await call(app, 'GET', `/config/${s}`)).body.error_code).toBe(40408)
      // after a hard delete numbering starts again at 1
      await register(s, v1)
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([1])
      expect((await call(app, 'DELETE', `/subjects/${uniq()}`)).body.error_code).toBe(40401)
      expect((await call(app, 'DELETE', `/subjects/${s}/versions/9`)).body.error_code).toBe(40402)
    })

    it('supports references, referencedby, and 42206 when deleting a referenced version', async () => {
      const base = uniq('ref')
      const user = uniq('user')
      const address = JSON.stringify({
        type: 'record',
        name: 'Address',
        namespace: 'com.example',
        fields: [{ name: 'city', type: 'string' }],
      })
      const { id: addressId } = (await register(base, address)).body
      const withRef = JSON.stringify({
        type: 'record',
        name: 'Customer',
        namespace: 'com.example',
        fields: [{ name: 'home', type: 'com.example.Address' }],
      })
      const refs = [{ name: 'com.example.Address', subject: base, version: 1 }]
      const res = await register(user, withRef, { references: refs })
      expect(res.status).toBe(200)
      const got = await call(app, 'GET', `/subjects/${user}/versions/1`)
      expect(got.body.references).toEqual(refs)
      expect((await call(app, 'GET', `/schemas/ids/${res.body.id}`)).body.references).toEqual(refs)
      expect((await call(app, 'GET', `/subjects/${base}/versions/1/referencedby`)).body).toEqual([
        res.body.id,
      ])
      const blocked = await call(app, 'DELETE', `/subjects/${base}/versions/1`)
      expect(blocked.status).toBe(422)
      expect(blocked.body.error_code).toBe(42206)
      expect((await call(app, 'DELETE', `/subjects/${base}`)).body.error_code).toBe(42206)
      // lookup with the references finds it
      const found = await call(app, 'POST', `/subjects/${user}`, { schema: withRef, references: refs })
      expect(found.body.id).toBe(res.body.id)
      // version -1 means the referenced subject's latest version, pinned at registration
      const latestRef = [{ name: 'com.example.Address', subject: base, version: -1 }]
      expect((await register(user, withRef, { references: latestRef })).body).toMatchObject({
        id: res.body.id,
        version: 1,
      })
      expect(
        (await call(app, 'POST', `/subjects/${user}`, { schema: withRef, references: latestRef })).body.id,
      ).toBe(res.body.id)
      // without the reference the named type is unknown
      const unresolved = await register(uniq(), withRef)
      expect(unresolved.body.error_code).toBe(42201)
      const dangling = await register(uniq(), withRef, {
        references: [{ name: 'com.example.Address', subject: uniq('nope'), version: 1 }],
      })
      expect(dangling.body.error_code).toBe(42201)
      // once the referrer is soft-deleted the referenced version can be soft-deleted, but a hard delete
      // waits until the referrer is gone for good (it stays readable by id until then)
      await call(app, 'DELETE', `/subjects/${user}`)
      expect((await call(app, 'DELETE', `/subjects/${base}/versions/1`)).body).toBe(1)
      expect((await call(app, 'DELETE', `/subjects/${base}/versions/1?permanent=true`)).body.error_code).toBe(
        42206,
      )
      expect((await call(app, 'GET', `/schemas/ids/${res.body.id}`)).status).toBe(200)
      await call(app, 'DELETE', `/subjects/${user}?permanent=true`)
      expect((await call(app, 'DELETE', `/subjects/${base}?permanent=true`)).body).toEqual([1])
      expect(addressId).toBeTypeOf('number')
    })

    it('normalize=true makes schemas differing only in non-semantic ways the same', async () => {
      const s = uniq()
      const a = JSON.stringify({
        type: 'record',
        name: 'N',
        fields: [{ name: 'f', type: { type: 'string' } }],
      })
      const b = JSON.stringify({ type: 'record', name: 'N', fields: [{ name: 'f', type: 'string' }] })
      const first = await register(s, a, {}, '?normalize=true')
      expect(first.status).toBe(200)
      const second = await register(s, b, {}, '?normalize=true')
      expect(second.body.id).toBe(first.body.id)
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([1])
    })

    it('modes: READONLY blocks writes with 42205, IMPORT takes ids, 40409, 42204', async () => {
      const s = uniq()
      expect((await call(app, 'GET', '/mode')).body).toEqual({ mode: 'READWRITE' })
      expect((await call(app, 'GET', `/mode/${s}`)).body.error_code).toBe(40409)
      expect((await call(app, 'GET', `/mode/${s}?defaultToGlobal=true`)).body).toEqual({ mode: 'READWRITE' })
      const existing = uniq()
      const { id: existingId } = (await register(existing, v1)).body
      expect((await call(app, 'PUT', `/mode/${s}`, { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' })
      expect((await call(app, 'PUT', `/mode/${existing}`, { mode: 'READONLY' })).body).toEqual({
        mode: 'READONLY',
      })
      // re-registering what a READONLY subject already has still answers its id (auto-registering producers)
      expect((await register(existing, v1)).body).toMatchObject({ id: existingId, version: 1 })
      expect((await call(app, 'DELETE', `/subjects/${existing}`)).body.error_code).toBe(42205)
      const blocked = await register(s, v1)
      expect(blocked.status).toBe(422)
      expect(blocked.body.error_code).toBe(42205)
      expect((await call(app, 'PUT', `/mode/${s}`, { mode: 'SOMETIMES' })).body.error_code).toBe(42204)
      expect((await call(app, 'DELETE', `/mode/${s}`)).body).toEqual({ mode: 'READONLY' })
      expect((await register(s, v1)).status).toBe(200)
      // IMPORT on a subject with versions needs force
      expect((await call(app, 'PUT', `/mode/${s}`, { mode: 'IMPORT' })).body.error_code).toBe(42205)
      const imp = uniq()
      expect((await call(app, 'PUT', `/mode/${imp}`, { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' })
      // IMPORT mode takes only writes that carry their id
      expect((await register(imp, v2)).body.error_code).toBe(42205)
      const imported = await register(imp, v2, { id: 50_000, version: 7 })
      expect(imported.body).toMatchObject({ id: 50_000 })
      expect((await call(app, 'GET', `/subjects/${imp}/versions`)).body).toEqual([7])
      expect((await call(app, 'GET', '/schemas/ids/50000')).status).toBe(200)
      // ids outside IMPORT mode are refused
      const notImport = await register(uniq(), v2, { id: 60_000 })
      expect(notImport.body.error_code).toBe(42205)
    })

    it('answers bad input with 4xx and error codes, never 5xx', async () => {
      const s = uniq()
      const cases: Array<[string, Answer, number, number]> = [
        ['not JSON', await call(app, 'POST', `/subjects/${s}/versions`, '{"schema": '), 400, 400],
        ['JSON array body', await call(app, 'POST', `/subjects/${s}/versions`, '[1,2]'), 422, 422],
        ['schema of wrong type', await call(app, 'POST', `/subjects/${s}/versions`, { schema: 5 }), 422, 422],
        ['no schema', await call(app, 'POST', `/subjects/${s}/versions`, { other: 1 }), 422, 42201],
        [
          'broken Avro',
          await call(app, 'POST', `/subjects/${s}/versions`, { schema: '{"type":"recrd"}' }),
          422,
          42201,
        ],
        [
          'bad default',
          await call(app, 'POST', `/subjects/${s}/versions`, {
            schema: record('D', [{ name: 'n', type: 'int', default: 'x' }]),
          }),
          422,
          42201,
        ],
        [
          'schema not JSON',
          await call(app, 'POST', `/subjects/${s}/versions`, { schema: 'nope{' }),
          422,
          42201,
        ],
        [
          'references of wrong type',
          await call(app, 'POST', `/subjects/${s}/versions`, { schema: v1, references: 'x' }),
          422,
          422,
        ],
        [
          'unsupported type',
          await call(app, 'POST', `/subjects/${s}/versions`, { schema: v1, schemaType: 'XML' }),
          422,
          42201,
        ],
        ['invalid version', await call(app, 'GET', `/subjects/${s}/versions/zero`), 422, 42202],
        ['version 0', await call(app, 'GET', `/subjects/${s}/versions/0`), 422, 42202],
        ['version too big', await call(app, 'GET', `/subjects/${s}/versions/99999999999`), 422, 42202],
        [
          'control char subject',
          await call(app, 'POST', `/subjects/${encodeURIComponent('a\u0001b')}/versions`, { schema: v1 }),
          422,
          42208,
        ],
        [
          'long subject',
          await call(app, 'POST', `/subjects/${'x'.repeat(300)}/versions`, { schema: v1 }),
          422,
          42208,
        ],
        ['unknown route', await call(app, 'GET', '/nowhere'), 404, 404],
        [
          'huge body',
          await call(app, 'POST', `/subjects/${s}/versions`, { schema: 'x'.repeat(5 * 1024 * 1024) }),
          413,
          413,
        ],
      ]
      for (const [what, answer, status, code] of cases) {
        expect({ what, status: answer.status, code: answer.body?.error_code }).toEqual({ what, status, code })
        expect(typeof answer.body.message).toBe('string')
      }
      const wrongType = await app.inject({
        method: 'POST',
        url: `/subjects/${s}/versions`,
        headers: { 'content-type': 'text/plain' },
        payload: v1,
      })
      expect(wrongType.statusCode).toBe(415)
      expect(JSON.parse(wrongType.body).error_code).toBe(415)
      // unknown fields (newer clients send metadata/ruleSet) are ignored
      const extra = await call(app, 'POST', `/subjects/${s}/versions`, {
        schema: v1,
        metadata: null,
        whatever: 1,
      })
      expect(extra.status).toBe(200)
      // the server still works
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).body).toEqual([1])
    })

    it('accepts and answers all three content types', async () => {
      const s = uniq()
      for (const type of [
        'application/vnd.schemaregistry.v1+json',
        'application/vnd.schemaregistry+json',
        'application/json',
      ]) {
        const res = await app.inject({
          method: 'POST',
          url: `/subjects/${s}/versions`,
          headers: { 'content-type': type, accept: type },
          payload: JSON.stringify({ schema: v1 }),
        })
        expect(res.statusCode).toBe(200)
        expect(res.headers['content-type']).toContain(type)
      }
    })

    it('handles URL-encoded subjects with slashes and spaces', async () => {
      const s = `${uniq()}/with space`
      const res = await register(s, v1)
      expect(res.status).toBe(200)
      expect((await call(app, 'GET', `/subjects/${encodeURIComponent(s)}/versions/1`)).body.subject).toBe(s)
    })

    it('lists schemas with deleted, latestOnly, offset and limit; fetchMaxId; ids of soft-deleted versions', async () => {
      const s = uniq('list')
      await call(app, 'PUT', `/config/${s}`, { compatibility: 'NONE' })
      const { id: a } = (await register(s, v1)).body
      const { id: b } = (await register(s, v2)).body
      const all = await call(app, 'GET', `/schemas?subjectPrefix=${s}`)
      expect(all.body.map((x: { version: number }) => x.version)).toEqual([1, 2])
      const latest = await call(app, 'GET', `/schemas?subjectPrefix=${s}&latestOnly=true`)
      expect(latest.body.map((x: { id: number }) => x.id)).toEqual([b])
      const page = await call(app, 'GET', `/schemas?subjectPrefix=${s}&offset=1&limit=1`)
      expect(page.body.map((x: { id: number }) => x.id)).toEqual([b])
      await call(app, 'DELETE', `/subjects/${s}/versions/1`)
      expect((await call(app, 'GET', `/schemas?subjectPrefix=${s}`)).body).toHaveLength(1)
      expect((await call(app, 'GET', `/schemas?subjectPrefix=${s}&deleted=true`)).body).toHaveLength(2)
      const withMax = await call(app, 'GET', `/schemas/ids/${a}?fetchMaxId=true`)
      expect(withMax.body.maxId).toBeGreaterThanOrEqual(b)
      const subjectsOfA = await call(app, 'GET', `/schemas/ids/${a}/versions`)
      expect(subjectsOfA.body).not.toContainEqual({ subject: s, version: 1 })
      const withDeleted = await call(app, 'GET', `/schemas/ids/${a}/versions?deleted=true`)
      expect(withDeleted.body).toContainEqual({ subject: s, version: 1 })
      expect((await call(app, 'GET', `/schemas/ids/${a}/subjects?deleted=true`)).body).toContain(s)
      expect((await call(app, 'GET', '/schemas?limit=x')).body.error_code).toBe(422)
    })

    it('global config and mode can be changed and reset; subject mode delete; misc endpoints', async () => {
      expect((await call(app, 'PUT', '/config', { compatibility: 'FULL_TRANSITIVE' })).body).toEqual({
        compatibility: 'FULL_TRANSITIVE',
      })
      expect((await call(app, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' })
      const s = uniq()
      expect((await call(app, 'GET', `/config/${s}?defaultToGlobal=true`)).body).toEqual({
        compatibilityLevel: 'FULL_TRANSITIVE',
      })
      expect((await call(app, 'DELETE', '/config')).body).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' })
      expect((await call(app, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' })
      // global READONLY blocks every subject, then back to READWRITE
      expect((await call(app, 'PUT', '/mode', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' })
      expect((await register(s, v1)).body.error_code).toBe(42205)
      expect((await call(app, 'PUT', '/mode', { mode: 'readwrite' })).body).toEqual({ mode: 'READWRITE' })
      expect((await register(s, v1)).status).toBe(200)
      expect((await call(app, 'DELETE', `/mode/${uniq()}`)).body.error_code).toBe(40401)
      // Confluent answers 40401 when there is no subject-level mode (or config) to delete.
      expect((await call(app, 'DELETE', `/mode/${s}`)).body.error_code).toBe(40401)
      expect((await call(app, 'PUT', '/mode', {})).body.error_code).toBe(42204)
      expect((await call(app, 'PUT', '/config', [])).body.error_code).toBe(422)
      expect((await call(app, 'GET', '/')).body).toEqual({})
      expect((await call(app, 'GET', '/contexts')).body).toEqual(['.'])
    })

    it('health and readiness', async () => {
      expect((await call(app, 'GET', '/health')).body).toEqual({ status: 'UP' })
      const ready = await call(app, 'GET', '/ready')
      expect(ready.status).toBe(200)
      expect(ready.body.status).toBe('READY')
    })
  })
}
