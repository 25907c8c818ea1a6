import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRegistryApp, type RegistryApp, type RegistryServerOptions } from '../../src/index'
import { call, record, uniq, v1, v2 } from './http-suite'

/**
 * The Confluent 8 additions the 2026 clients call by default (GUIDs, metadata and rule sets,
 * data-contract config, associations, contexts, content negotiation), in-process with `app.inject`.
 * Used by the memory and file suites (unit) and the Kafka suite (integration).
 */

/** A UUID written the way Confluent's MD5.toString() writes one. */
const asUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`

const metadata = {
  properties: { owner: 'team-a', 'confluent:major': '1' },
  tags: { '**.id': ['PII', 'KEY'] },
  sensitive: ['id'],
}
const ruleSet = {
  domainRules: [
    {
      name: 'positiveId',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL',
      expr: 'message.id > 0',
      params: { zeta: '2', alpha: '1' },
      tags: ['b', 'a'],
    },
  ],
}

export function confluent8Suite(label: string, makeOptions: () => Promise<RegistryServerOptions>): void {
  describe(`registry Confluent 8 API (${label} store)`, () => {
    let app: RegistryApp

    beforeAll(async () => {
      app = createRegistryApp(await makeOptions())
      await app.registry.ready
    }, 120_000)
    afterAll(async () => {
      await app?.close()
    })

    const register = (subject: string, body: Record<string, unknown>) =>
      call(app, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, body)

    it('computes GUIDs as Confluent does and serves schemas by GUID', async () => {
      const s = uniq('guid')
      const res = await register(s, { schema: v1 })
      expect(res.status).toBe(200)
      const canonical = JSON.stringify(JSON.parse(v1))
      // No references, metadata or rule set: the MD5 of the stored text alone.
      const expected = asUuid(createHash('md5').update(canonical).digest('hex'))
      expect(res.body).toEqual({ id: res.body.id, version: 1, guid: expected, schema: canonical })

      const byGuid = await call(app, 'GET', `/schemas/guids/${expected}`)
      expect(byGuid.status).toBe(200)
      expect(byGuid.body).toEqual({ schema: canonical })
      expect((await call(app, 'GET', `/schemas/guids/${expected.toUpperCase()}`)).body).toEqual({
        schema: canonical,
      })
      expect((await call(app, 'GET', `/schemas/guids/${expected}/ids`)).body).toEqual([
        { context: '.', id: res.body.id },
      ])
      expect((await call(app, 'GET', `/schemas/ids/${res.body.id}`)).body).toEqual({
        guid: expected,
        schema: canonical,
      })
      const lookup = await call(app, 'POST', `/subjects/${s}`, { schema: v1 })
      expect(lookup.body).toMatchObject({ subject: s, version: 1, id: res.body.id, guid: expected })
      expect((await call(app, 'GET', `/subjects/${s}/versions/1`)).body.guid).toBe(expected)

      for (const missing of ['00000000-0000-0000-0000-000000000000', 'not-a-guid']) {
        const answer = await call(app, 'GET', `/schemas/guids/${missing}`)
        expect(answer.status).toBe(404)
        expect(answer.body.error_code).toBe(40403)
      }
    })

    it('keeps metadata and rule sets intact, sorted as Confluent stores them, and counts them in identity', async () => {
      const s = uniq('contract')
      const plain = await register(s, { schema: v1 })
      const withContract = await register(s, { schema: v1, metadata, ruleSet })
      expect(withContract.status).toBe(200)
      // Same text, different contract: a new version and a new id.
      expect(withContract.body.version).toBe(2)
      expect(withContract.body.id).not.toBe(plain.body.id)
      expect(withContract.body.guid).not.toBe(plain.body.guid)

      const storedMetadata = {
        properties: { 'confluent:major': '1', owner: 'team-a' },
        tags: { '**.id': ['KEY', 'PII'] },
        sensitive: ['id'],
      }
      const storedRuleSet = {
        domainRules: [
          {
            name: 'positiveId',
            kind: 'CONDITION',
            mode: 'WRITE',
            type: 'CEL',
            tags: ['a', 'b'],
            params: { alpha: '1', zeta: '2' },
            expr: 'message.id > 0',
            disabled: false,
          },
        ],
      }
      const latest = (await call(app, 'GET', `/subjects/${s}/versions/latest`)).body
      expect(latest).toMatchObject({ version: 2, metadata: storedMetadata, ruleSet: storedRuleSet })
      expect(JSON.stringify(latest.metadata.properties)).toBe('{"confluent:major":"1","owner":"team-a"}')
      expect((await call(app, 'GET', `/schemas/ids/${withContract.body.id}`)).body).toMatchObject({
        metadata: storedMetadata,
        ruleSet: storedRuleSet,
      })
      expect((await call(app, 'GET', `/schemas/guids/${withContract.body.guid}`)).body).toMatchObject({
        metadata: storedMetadata,
        ruleSet: storedRuleSet,
      })

      // The GUID covers text, then a 1 byte and the sorted metadata, then a 1 byte and each rule's parts.
      const md = createHash('md5').update(JSON.stringify(JSON.parse(v1)))
      md.update(Buffer.of(1)).update('**.id').update('KEY').update('PII')
      md.update('confluent:major').update('1').update('owner').update('team-a').update('id')
      md.update(Buffer.of(1)).update('positiveId').update('CONDITION').update('WRITE').update('CEL')
      md.update('a')
        .update('b')
        .update('alpha')
        .update('1')
        .update('zeta')
        .update('2')
        .update('message.id > 0')
      expect(withContract.body.guid).toBe(asUuid(md.digest('hex')))

      // Re-sent with the same contract (any order): nothing new.
      const again = await register(s, {
        schema: v1,
        metadata: { sensitive: ['id'], tags: { '**.id': ['PII', 'KEY'] }, properties: metadata.properties },
        ruleSet,
      })
      expect(again.body).toMatchObject({ id: withContract.body.id, version: 2 })
      // Sent bare: metadata and rules are inherited from the latest version, so it is that version.
      expect((await register(s, { schema: v1 })).body).toMatchObject({ id: withContract.body.id, version: 2 })
      // A lookup matches exactly first (the bare text is version 1, as in Confluent), then inherits.
      expect(
        (await call(app, 'POST', `/subjects/${s}`, { schema: v1, metadata, ruleSet })).body.version,
      ).toBe(2)
      expect((await call(app, 'POST', `/subjects/${s}`, { schema: v1 })).body.version).toBe(1)
      await call(app, 'DELETE', `/subjects/${s}/versions/1`)
      expect((await call(app, 'POST', `/subjects/${s}`, { schema: v1 })).body.version).toBe(2)
      const other = await call(app, 'POST', `/subjects/${s}`, {
        schema: v1,
        metadata: { properties: { owner: 'nobody' } },
      })
      expect(other.status).toBe(404)
      expect(other.body.error_code).toBe(40403)

      // Evolving with new metadata keeps the rules (inherited) and takes the new metadata.
      const v3 = await register(s, { schema: v2, metadata: { properties: { owner: 'team-b' } } })
      expect(v3.body).toMatchObject({
        version: 3,
        metadata: { properties: { owner: 'team-b' } },
        ruleSet: storedRuleSet,
      })

      // GET /subjects/{s}/metadata: the latest version with every key=value.
      const byOwner = await call(app, 'GET', `/subjects/${s}/metadata?key=owner&value=team-a`)
      expect(byOwner.body).toMatchObject({ subject: s, version: 2, id: withContract.body.id })
      expect((await call(app, 'GET', `/subjects/${s}/metadata?key=owner&value=team-b`)).body.version).toBe(3)
      const none = await call(app, 'GET', `/subjects/${s}/metadata?key=owner&value=team-z`)
      expect([none.status, none.body.error_code]).toEqual([404, 40403])
      const noSubject = await call(app, 'GET', `/subjects/${uniq('nope')}/metadata?key=owner&value=team-a`)
      expect([noSubject.status, noSubject.body.error_code]).toEqual([404, 40401])
    })

    it('rejects bad rule sets and metadata with 42210 and a reason', async () => {
      const s = uniq('badrules')
      const cases = [
        { ruleSet: { migrationRules: [{ name: 'up', type: 'JSONATA', mode: 'WRITE' }] } },
        {
          ruleSet: {
            domainRules: [
              { name: 'x', type: 'CEL' },
              { name: 'x', type: 'CEL' },
            ],
          },
        },
        { ruleSet: { domainRules: [{ name: '1bad', type: 'CEL' }] } },
        { ruleSet: { domainRules: [{ name: 'noType' }] } },
        { metadata: { properties: { n: 1 } } },
      ]
      for (const extra of cases) {
        const res = await register(s, { schema: v1, ...extra })
        expect(res.status, JSON.stringify(extra)).toBe(422)
        expect(res.body.error_code).toBe(42210)
        expect(res.body.message).toMatch(/Invalid (ruleSet|metadata)/)
      }
      expect((await call(app, 'GET', `/subjects/${s}/versions`)).status).toBe(404)
    })

    it('keeps the data-contract config fields and applies defaults, overrides, normalize and compatibilityGroup', async () => {
      const s = uniq('cfg')
      const put = await call(app, 'PUT', `/config/${s}`, {
        compatibility: 'BACKWARD',
        defaultMetadata: { properties: { owner: 'default', tier: 'gold' } },
        overrideMetadata: { properties: { owner: 'forced' } },
        defaultRuleSet: { domainRules: [{ name: 'r1', type: 'CEL', expr: 'true' }] },
        normalize: true,
        compatibilityGroup: 'application.major.version',
      })
      expect(put.status).toBe(200)
      expect(put.body).toMatchObject({ compatibility: 'BACKWARD', normalize: true })
      const got = await call(app, 'GET', `/config/${s}`)
      expect(got.body).toEqual({
        compatibilityLevel: 'BACKWARD',
        compatibilityGroup: 'application.major.version',
        normalize: true,
        defaultMetadata: { properties: { owner: 'default', tier: 'gold' } },
        overrideMetadata: { properties: { owner: 'forced' } },
        defaultRuleSet: {
          domainRules: [
            { name: 'r1', kind: 'TRANSFORM', mode: 'WRITEREAD', type: 'CEL', expr: 'true', disabled: false },
          ],
        },
      })
      // A partial update keeps the other fields.
      await call(app, 'PUT', `/config/${s}`, { normalize: false })
      expect((await call(app, 'GET', `/config/${s}`)).body).toMatchObject({
        normalize: false,
        compatibilityGroup: 'application.major.version',
      })

      const first = await register(s, {
        schema: v1,
        metadata: { properties: { owner: 'me', 'application.major.version': '1' } },
      })
      expect(first.body.metadata).toEqual({
        properties: { 'application.major.version': '1', owner: 'forced', tier: 'gold' },
      })
      expect(first.body.ruleSet.domainRules[0].name).toBe('r1')
      // Incompatible, but in another compatibility group: accepted.
      const breaking = record('User', [{ name: 'renamed', type: 'string' }])
      const refused = await register(s, { schema: breaking })
      expect(refused.body.error_code).toBe(40901)
      const otherGroup = await register(s, {
        schema: breaking,
        metadata: { properties: { 'application.major.version': '2' } },
      })
      expect(otherGroup.status).toBe(200)
      expect(otherGroup.body.version).toBe(2)

      // The global config carries the fields too; deleting a subject's config answers the old one.
      const deleted = await call(app, 'DELETE', `/config/${s}`)
      expect(deleted.body).toMatchObject({ compatibilityLevel: 'BACKWARD', normalize: false })
      expect((await call(app, 'GET', `/config/${s}`)).body.error_code).toBe(40408)
      expect(
        (await call(app, 'GET', `/config/${s}?defaultToGlobal=true`)).body.compatibilityLevel,
      ).toBeDefined()
      const bad = await call(app, 'PUT', `/config/${s}`, { normalize: 'yes' })
      expect([bad.status, bad.body.error_code]).toEqual([422, 422])
    })

    it('answers an empty association list exactly as Confluent, and creates, reads, updates and deletes associations', async () => {
      const topic = uniq('orders')
      const wildcard = `/associations/resources/-/${topic}?resourceType=topic&associationType=value`
      const empty = await call(app, 'GET', wildcard)
      expect([empty.status, empty.body]).toEqual([200, []])

      const subject = uniq('custom-orders-subject')
      const request = {
        resourceName: topic,
        resourceNamespace: 'lkc-test',
        resourceId: `id-${topic}`,
        resourceType: 'topic',
        associations: [{ subject, associationType: 'value' }],
      }
      const noVersion = await call(app, 'POST', '/associations', request)
      expect([noVersion.status, noVersion.body.error_code]).toEqual([409, 40907])

      await register(subject, { schema: v1 })
      const created = await call(app, 'POST', '/associations', request)
      expect(created.status).toBe(200)
      expect(created.body).toEqual({
        resourceName: topic,
        resourceNamespace: 'lkc-test',
        resourceId: `id-${topic}`,
        resourceType: 'topic',
        associations: [{ subject, associationType: 'value', lifecycle: 'WEAK', frozen: false }],
      })
      const listed = await call(app, 'GET', wildcard)
      expect(listed.body).toHaveLength(1)
      expect(listed.body[0]).toMatchObject({
        subject,
        resourceName: topic,
        resourceNamespace: 'lkc-test',
        resourceId: `id-${topic}`,
        resourceType: 'topic',
        associationType: 'value',
        lifecycle: 'WEAK',
        frozen: false,
        guid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      })
      expect((await call(app, 'GET', `/associations/resources/lkc-test/${topic}`)).body).toHaveLength(1)
      expect((await call(app, 'GET', `/associations/resources/other-ns/${topic}`)).body).toEqual([])
      expect((await call(app, 'GET', `${wildcard.replace('value', 'key')}`)).body).toEqual([])
      expect((await call(app, 'GET', `/associations/subjects/${subject}`)).body).toHaveLength(1)
      expect((await call(app, 'GET', `/associations/resources/id-${topic}`)).body).toHaveLength(1)

      // Creating again for another subject conflicts; PUT replaces.
      const subject2 = uniq('custom-orders-v2')
      await register(subject2, { schema: v1 })
      const conflict = await call(app, 'POST', '/associations', {
        ...request,
        associations: [{ subject: subject2, associationType: 'value' }],
      })
      expect([conflict.status, conflict.body.error_code]).toEqual([409, 40903])
      const updated = await call(app, 'PUT', `/associations/resources/id-${topic}`, {
        ...request,
        associations: [{ subject: subject2, associationType: 'value' }],
      })
      expect(updated.status).toBe(200)
      expect((await call(app, 'GET', wildcard)).body[0].subject).toBe(subject2)

      const invalid = await call(app, 'POST', '/associations', { resourceNamespace: 'x', associations: [] })
      expect([invalid.status, invalid.body.error_code]).toEqual([422, 42212])

      const removed = await call(app, 'DELETE', `/associations/resources/id-${topic}?associationType=value`)
      expect(removed.status).toBe(204)
      expect((await call(app, 'GET', wildcard)).body).toEqual([])
      const gone = await call(app, 'DELETE', `/associations/resources/id-${topic}`)
      expect([gone.status, gone.body.error_code]).toEqual([404, 40410])
    })

    it('scopes ids to contexts for qualified subjects; GET /contexts; ?subject= picks the context', async () => {
      const ctx = `.${uniq('ctx')}`
      const plain = uniq('ctxsubj')
      const qualified = `:${ctx}:${plain}`
      const defaultId = (await register(uniq('dflt'), { schema: v2 })).body.id
      const inCtx = await register(qualified, { schema: v1 })
      expect(inCtx.status).toBe(200)
      // A fresh context numbers from 1.
      expect(inCtx.body.id).toBe(1)
      const ctxV2 = await register(qualified, { schema: v2 })
      expect(ctxV2.body).toMatchObject({ id: 2, version: 2 })
      expect((await call(app, 'GET', '/contexts')).body).toEqual(expect.arrayContaining(['.', ctx]))
      expect((await call(app, 'GET', '/contexts')).body[0]).toBe('.')

      const q = encodeURIComponent(qualified)
      expect((await call(app, 'GET', `/schemas/ids/2?subject=${q}`)).body.schema).toBe(
        JSON.stringify(JSON.parse(v2)),
      )
      expect((await call(app, 'GET', `/schemas/ids/2/versions?subject=${q}`)).body).toEqual([
        { subject: qualified, version: 2 },
      ])
      // The unqualified subject name finds the id in the context that has that subject.
      expect((await call(app, 'GET', `/schemas/ids/1?subject=${plain}`)).body.schema).toBe(
        JSON.stringify(JSON.parse(v1)),
      )
      // The default context keeps its own numbering.
      expect((await call(app, 'GET', `/schemas/ids/${defaultId}`)).body.schema).toBe(
        JSON.stringify(JSON.parse(v2)),
      )
      expect(
        (await call(app, 'GET', `/subjects?subjectPrefix=${encodeURIComponent(`:${ctx}:`)}`)).body,
      ).toEqual([qualified])
      expect((await call(app, 'GET', '/subjects?subjectPrefix=:*:')).body).toContain(qualified)
      // `:.:name` is `name` in the default context.
      const explicit = uniq('explicit')
      await register(`:.:${explicit}`, { schema: v1 })
      expect((await call(app, 'GET', `/subjects/${explicit}/versions`)).body).toEqual([1])
    })

    it('answers 406 to an Accept it cannot produce, and honours wildcards', async () => {
      for (const accept of ['text/html', 'application/xml', 'application/json;q=0']) {
        const res = await call(app, 'GET', '/subjects', undefined, { accept })
        expect(res.status, accept).toBe(406)
        expect(res.body.error_code).toBe(406)
      }
      for (const accept of [
        '*/*',
        'application/*',
        'text/html, application/json;q=0.5',
        'application/vnd.schemaregistry.v1+json',
      ]) {
        expect((await call(app, 'GET', '/subjects', undefined, { accept })).status, accept).toBe(200)
      }
    })

    it('lists with deletedOnly, latestOnly and subjectPrefix, and reads deleted versions with deleted=true', async () => {
      const prefix = uniq('lst')
      const live = `${prefix}-live`
      const gone = `${prefix}-gone`
      await register(live, { schema: v1 })
      await register(live, { schema: v2 })
      await register(gone, { schema: v1 })
      await call(app, 'DELETE', `/subjects/${gone}`)
      expect((await call(app, 'GET', `/subjects?subjectPrefix=${prefix}`)).body).toEqual([live])
      expect((await call(app, 'GET', `/subjects?subjectPrefix=${prefix}&deletedOnly=true`)).body).toEqual([
        gone,
      ])
      expect((await call(app, 'GET', `/subjects?subjectPrefix=${prefix}&deleted=true`)).body).toEqual([
        gone,
        live,
      ])
      const latestOnly = (await call(app, 'GET', `/schemas?subjectPrefix=${prefix}&latestOnly=true`)).body
      expect(latestOnly.map((v: { subject: string; version: number }) => [v.subject, v.version])).toEqual([
        [live, 2],
      ])
      const deletedOnly = (await call(app, 'GET', `/schemas?subjectPrefix=${prefix}&deletedOnly=true`)).body
      expect(deletedOnly.map((v: { subject: string }) => v.subject)).toEqual([gone])
      expect((await call(app, 'GET', `/subjects/${gone}/versions/1`)).status).toBe(404)
      expect((await call(app, 'GET', `/subjects/${gone}/versions/1?deleted=true`)).body).toMatchObject({
        subject: gone,
        version: 1,
        guid: expect.any(String),
      })
      expect((await call(app, 'GET', `/subjects/${gone}/versions?deletedOnly=true`)).body).toEqual([1])
    })

    it('writes a schema with references resolved for ?format=resolved', async () => {
      const base = uniq('addr')
      const address = JSON.stringify({
        type: 'record',
        name: 'Address',
        namespace: 'com.example',
        fields: [{ name: 'city', type: 'string' }],
      })
      await register(base, { schema: address })
      const user = uniq('cust')
      const customer = JSON.stringify({
        type: 'record',
        name: 'Customer',
        namespace: 'com.example',
        fields: [{ name: 'home', type: 'Address' }],
      })
      const res = await register(user, {
        schema: customer,
        references: [{ name: 'com.example.Address', subject: base, version: 1 }],
      })
      const resolved = (await call(app, 'GET', `/schemas/ids/${res.body.id}?format=resolved`)).body.schema
      expect(JSON.parse(resolved).fields[0].type).toMatchObject({ type: 'record', name: 'Address' })
      const asStored = (await call(app, 'GET', `/schemas/ids/${res.body.id}`)).body.schema
      expect(JSON.parse(asStored).fields[0].type).toBe('Address')
    })
  })
}
