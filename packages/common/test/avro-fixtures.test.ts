import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { corpora, externalCorpus, externalCorpusAbsence, kafkitFixtures } from './fixtures/avro-corpora'

/*
 * The project's own Avro fixtures must cover every construct the corpus tests exercise, so a clone with no
 * external corpus still tests all of them. A static walk of the JSON lists what each file contains.
 */

type Json = unknown
const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])

function constructsOf(schema: Json, found: Set<string>, fromSet = false): void {
  const defining: string[] = []
  const defined = new Set<string>()
  const fullName = (name: string, ns: string) => (name.includes('.') || !ns ? name : `${ns}.${name}`)
  const kindOf = (t: Json): string =>
    typeof t === 'string'
      ? PRIMITIVES.has(t)
        ? t
        : 'named'
      : Array.isArray(t)
        ? 'union'
        : String((t as { type: Json }).type)

  const walk = (t: Json, ns: string, top: boolean): void => {
    if (typeof t === 'string') {
      if (PRIMITIVES.has(t)) return
      const name = fullName(t, ns)
      found.add(t.includes('.') ? 'ref:full-name' : 'ref:short-name')
      if (defining.includes(name) || defining.includes(t)) found.add('recursion')
      if (!defined.has(name) && !defined.has(t) && fromSet) found.add('ref:other-file')
      return
    }
    if (Array.isArray(t)) {
      if (top) found.add('top-level:union')
      const kinds = t.map(kindOf)
      const nonNull = kinds.filter((k) => k !== 'null')
      if (t.length === 1) found.add('union:single-branch')
      if (kinds.includes('null') && t.length === 2) found.add('union:nullable')
      if (nonNull.filter((k) => k === 'record' || k === 'named').length > 1)
        found.add('union:several-records')
      if (nonNull.filter((k) => PRIMITIVES.has(k)).length > 2) found.add('union:several-primitives')
      for (const b of t) walk(b, ns, false)
      return
    }
    const o = t as Record<string, Json>
    const type = o.type
    if (typeof o.logicalType === 'string') found.add(`logical:${o.logicalType}:${type}`)
    if (typeof o.doc === 'string' && o.doc.includes('\n')) found.add('doc:multi-line')
    if (o.aliases) found.add('aliases')
    if (Object.keys(o).some((k) => k.includes('.') || k === 'version')) found.add('custom-props')
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      if (top) found.add(`top-level:${type}`)
      const name = String(o.name)
      const own = typeof o.namespace === 'string' ? o.namespace : ns
      const full = fullName(name, own)
      const nextNs = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : ''
      if (name.includes('.')) found.add('name:dotted')
      if (typeof o.namespace === 'string' && ns && o.namespace !== ns) found.add('namespace:nested-different')
      if (type === 'enum' && o.default !== undefined) found.add('enum:default')
      defined.add(full)
      if (type === 'record' || type === 'error') {
        const fields = o.fields as Record<string, Json>[]
        if (fields.length === 0) found.add('record:empty')
        defining.push(full)
        for (const f of fields) {
          if (f.order) found.add(`order:${f.order}`)
          if (f.aliases) found.add('aliases:field')
          if ('default' in f) {
            const k = kindOf(f.type)
            const kind =
              k === 'union'
                ? `union-first-${kindOf((f.type as Json[])[0])}`
                : k === 'named'
                  ? 'named'
                  : typeof f.type === 'object' && (f.type as { logicalType?: string }).logicalType
                    ? `logical-${k}`
                    : k
            found.add(`default:${kind}`)
          }
          walk(f.type, nextNs, false)
        }
        defining.pop()
      }
      return
    }
    if (type === 'array') walk(o.items, ns, false)
    else if (type === 'map') walk(o.values, ns, false)
    else if (typeof type === 'string' && !PRIMITIVES.has(type)) walk(type, ns, false)
    else if (typeof type === 'object') walk(type, ns, false)
  }
  walk(schema, '', true)
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json

describe('the project carries its own Avro fixtures', () => {
  it('cover every construct the corpus tests exercise', () => {
    const found = new Set<string>()
    for (const f of kafkitFixtures.singleFiles) constructsOf(readJson(join(kafkitFixtures.dir, f)), found)
    for (const [set, files] of Object.entries(kafkitFixtures.avscSets)) {
      for (const f of files)
        constructsOf(readJson(join(kafkitFixtures.dir, 'multi-file', set, f)), found, true)
    }
    const required = [
      'logical:decimal:bytes',
      'logical:decimal:fixed',
      'logical:uuid:string',
      'logical:date:int',
      'logical:time-millis:int',
      'logical:time-micros:long',
      'logical:timestamp-millis:long',
      'logical:timestamp-micros:long',
      'logical:local-timestamp-millis:long',
      'logical:local-timestamp-micros:long',
      'logical:duration:fixed',
      'logical:big-decimal:bytes',
      'logical:fixed-size-string:bytes',
      'recursion',
      'union:nullable',
      'union:single-branch',
      'union:several-records',
      'union:several-primitives',
      'top-level:union',
      'top-level:enum',
      'top-level:fixed',
      'namespace:nested-different',
      'name:dotted',
      'ref:short-name',
      'ref:full-name',
      'ref:other-file',
      'enum:default',
      'record:empty',
      'aliases',
      'aliases:field',
      'order:ignore',
      'order:descending',
      'doc:multi-line',
      'custom-props',
      ...[
        'null',
        'boolean',
        'int',
        'long',
        'float',
        'double',
        'bytes',
        'string',
        'enum',
        'array',
        'map',
        'fixed',
        'record',
        'named',
        'logical-int',
      ].map((k) => `default:${k}`),
      ...[
        'null',
        'boolean',
        'int',
        'long',
        'float',
        'double',
        'bytes',
        'string',
        'array',
        'map',
        'named',
      ].map((k) => `default:union-first-${k}`),
    ]
    expect(required.filter((c) => !found.has(c))).toEqual([])
  })

  it('include IDL: a protocol file and a set of files that import each other', () => {
    for (const f of kafkitFixtures.idlFiles) {
      expect(readFileSync(join(kafkitFixtures.dir, 'idl', f), 'utf8')).toMatch(/protocol \w+/)
    }
    const imports = kafkitFixtures.idlSets.flatMap((set) =>
      ['shipments.avdl'].map((f) => join(kafkitFixtures.dir, 'multi-file', set, f)),
    )
    expect(imports.some((f) => existsSync(f) && readFileSync(f, 'utf8').includes('import idl'))).toBe(true)
  })

  it('name set files that exist, in every corpus used', () => {
    for (const corpus of corpora) {
      for (const [set, files] of Object.entries(corpus.avscSets)) {
        for (const f of files) expect(existsSync(join(corpus.dir, 'multi-file', set, f)), f).toBe(true)
      }
    }
    // Said once, where the whole suite's output shows it.
    if (!externalCorpus) console.log(`[avro corpus] external corpus not used: ${externalCorpusAbsence}`)
  })
})
