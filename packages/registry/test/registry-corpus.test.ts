import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AvroCorpus,
  describeExternalCorpus,
  kafkitFixtures,
} from '../../common/test/fixtures/avro-corpora'
import { createRegistryApp, type RegistryApp } from '../src/index'
import { call, uniq } from './helpers/http-suite'

/** Adds whitespace between JSON tokens without touching strings or number spellings (JSON.parse would: 1.0 → 1). */
function respace(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    out += c
    if (inString) {
      if (c === '\\') out += text[++i] ?? ''
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === ',' || c === '{' || c === '[' || c === ':') out += '\n   '
  }
  return `  ${out}\n`
}

const fullName = (schema: { name?: string; namespace?: string }) =>
  schema.name?.includes('.') || !schema.namespace
    ? (schema.name as string)
    : `${schema.namespace}.${schema.name}`

function registrySuite(corpus: AvroCorpus): void {
  let app: RegistryApp
  beforeAll(async () => {
    app = createRegistryApp({ bodyLimit: 8 * 1024 * 1024 })
    await app.registry.ready
  })
  afterAll(async () => {
    await app?.close()
  })

  it('registers every single-file schema; same id again, reformatted and under another subject; readable by id', async () => {
    const files = corpus.singleFiles
    expect(files.length).toBeGreaterThan(10)
    const ids = new Set<number>()
    for (const file of files) {
      const text = await readFile(join(corpus.dir, file), 'utf8')
      const s = uniq(file)
      const first = await call(app, 'POST', `/subjects/${s}/versions`, { schema: text })
      expect({ file, status: first.status, body: first.status === 200 ? 'ok' : first.body }).toEqual({
        file,
        status: 200,
        body: 'ok',
      })
      const id = first.body.id as number
      ids.add(id)
      const reformatted = respace(text)
      expect(
        (await call(app, 'POST', `/subjects/${s}/versions`, { schema: reformatted })).body,
      ).toMatchObject({
        id,
        version: 1,
      })
      expect((await call(app, 'POST', `/subjects/${s}-copy/versions`, { schema: text })).body).toMatchObject({
        id,
        guid: first.body.guid,
      })
      const byId = await call(app, 'GET', `/schemas/ids/${id}`)
      // What we answer is itself a valid schema that registers to the same id.
      expect(
        (await call(app, 'POST', `/subjects/${s}/versions`, { schema: byId.body.schema })).body,
      ).toMatchObject({ id })
      expect((await call(app, 'POST', `/subjects/${s}`, { schema: reformatted })).body).toMatchObject({
        subject: s,
        id,
        version: 1,
      })
    }
    expect(ids.size).toBe(files.length)
  })

  it('registers the multi-file sets with schema references in dependency order', async () => {
    expect(Object.keys(corpus.avscSets).length).toBeGreaterThan(0)
    for (const [set, files] of Object.entries(corpus.avscSets)) {
      const registered: Array<{ name: string; subject: string; version: number }> = []
      let firstSubject = ''
      const ids: number[] = []
      for (const file of files) {
        const text = await readFile(join(corpus.dir, 'multi-file', set, file), 'utf8')
        const subject = uniq(`${set}-${file.replace(/\.avsc$/, '').replaceAll('/', '.')}`)
        const res = await call(app, 'POST', `/subjects/${subject}/versions`, {
          schema: text,
          references: registered,
        })
        expect({ set, file, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
          set,
          file,
          status: 200,
          body: 'ok',
        })
        ids.push(res.body.id)
        if (!firstSubject) firstSubject = subject
        registered.push({ name: fullName(JSON.parse(text)), subject, version: 1 })
      }
      const referencing = await call(app, 'GET', `/subjects/${firstSubject}/versions/1/referencedby`)
      expect(referencing.body).toEqual(ids.slice(1))
      // Without its references the last schema cannot be parsed.
      const last = await readFile(join(corpus.dir, 'multi-file', set, files.at(-1)!), 'utf8')
      expect(
        (await call(app, 'POST', `/subjects/${uniq('alone')}/versions`, { schema: last })).body.error_code,
      ).toBe(42201)
    }
  })
}

describe(`registry with the ${kafkitFixtures.label}`, { timeout: 60_000 }, () =>
  registrySuite(kafkitFixtures),
)
describeExternalCorpus('registry with the real-world Avro corpus', registrySuite, { timeout: 60_000 })
