/**
 * Self-contained Avro schemas from a table of flattened named-type definitions. Codegen stores every
 * named type once, with the named types it uses written as full-name references; a schema to register
 * (or to build an avsc Type from) inlines each referenced definition at its first use, as Avro requires,
 * and keeps later uses as names. This keeps generated modules linear in size however deep types nest.
 */

import { AVRO_NAMED_KINDS, AVRO_PRIMITIVES, namespaceOf } from './names'

export type AvroDefinitions = Readonly<Record<string, unknown>>

/** The self-contained schema of `fullName`; `defined` lists names already known to the reader (kept as references). */
export function avroSchemaOf(
  fullName: string,
  definitions: AvroDefinitions,
  defined: { has(name: string): boolean } = new Set(),
): unknown {
  const seen = new Set<string>()
  const inlineRef = (name: string, contextNs: string): unknown => {
    if (AVRO_PRIMITIVES.has(name) || seen.has(name) || defined.has(name) || !(name in definitions))
      return name
    return inlineDef(name, contextNs)
  }
  const inlineDef = (name: string, contextNs: string): unknown => {
    seen.add(name)
    const def = definitions[name] as Record<string, unknown>
    const ns = namespaceOf(name)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(def)) {
      if (k === 'fields' && Array.isArray(v)) {
        out.fields = v.map((f: Record<string, unknown>) => ({ ...f, type: walk(f.type, ns) }))
      } else out[k] = v
    }
    // A definition without a namespace only keeps its (null) namespace when placed at the top or inside one.
    if (ns === '' && contextNs !== '' && !('namespace' in def)) out.namespace = ''
    return out
  }
  const walk = (node: unknown, contextNs: string): unknown => {
    if (typeof node === 'string') return inlineRef(node, contextNs)
    if (Array.isArray(node)) return node.map((n) => walk(n, contextNs))
    if (typeof node !== 'object' || node === null) return node
    const o = node as Record<string, unknown>
    if (o.type === 'array') return { ...o, items: walk(o.items, contextNs) }
    if (o.type === 'map') return { ...o, values: walk(o.values, contextNs) }
    if (typeof o.type === 'string' && !AVRO_PRIMITIVES.has(o.type) && !AVRO_NAMED_KINDS.has(o.type)) {
      return { ...o, type: walk(o.type, contextNs) }
    }
    return o
  }
  if (!(fullName in definitions)) throw new Error(`no Avro definition named ${fullName}`)
  return inlineDef(fullName, '')
}
