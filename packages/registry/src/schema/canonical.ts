import { AVRO_PRIMITIVES, JsonNumber, type JsonValue, splitAvroName } from '@kafkit/common/avro-schema'
import { normalizeDefault } from './defaults'
import { jsonString, writeJson } from './json-text'
import type { AvroField, AvroNamedNode, AvroNode, AvroProps } from './types'

/**
 * Writes a schema graph the way Confluent's AvroSchema.canonicalString() does (Avro Java's
 * Schema.toString(references, false)): compact JSON, fixed attribute order, a named type written in full where it
 * is first met and by name afterwards, namespaces only where they differ from the enclosing one, types defined by
 * references written by name. With `normalize`, first applies Confluent's normalize (custom properties and aliases
 * sorted, empty docs dropped, defaults re-typed, logical-type attributes first) and returns the canonical form of
 * that, which is what Confluent stores for `?normalize=true`.
 */
export function writeCanonical(
  root: AvroNode,
  normalize: boolean,
  limit = Number.POSITIVE_INFINITY,
  /** Write for avsc: unambiguous names; `local` lists the types of the document being checked (inlined). */
  avsc?: { readonly local: ReadonlySet<string> },
): string {
  const forAvsc = avsc !== undefined
  const known = new Set<string>()
  const out: string[] = []
  let length = 0
  const w = (s: string) => {
    out.push(s)
    length += s.length
    if (length > limit) throw TOO_LONG
  }
  const member = (first: boolean, key: string, value: string) =>
    w(`${first ? '' : ','}${jsonString(key)}:${value}`)

  const writeProps = (p: AvroProps, skip: ReadonlySet<string> = new Set()) => {
    const entries = [...p].filter(([k]) => !skip.has(k))
    if (normalize) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    for (const [k, v] of entries) member(false, k, writeJson(v))
  }

  const qualified = (
    full: string,
    name: string,
    space: string | undefined,
    enclosing: string | undefined,
  ) => {
    // avsc cannot fall back from the enclosing namespace to none like Java; its absolute form is ".Name".
    if (forAvsc) return space === undefined && enclosing !== undefined ? `.${name}` : full
    // Avro 1.11+: a short name is used only in the same namespace, and never when it reads as a type keyword.
    if (space !== undefined && space === enclosing && !AVRO_PRIMITIVES.has(name) && !TYPE_WORDS.has(name))
      return name
    return full
  }

  const writeAliases = (node: AvroNamedNode) => {
    if (node.aliases.length === 0) return
    const list = normalize ? [...node.aliases].sort() : node.aliases
    const items = list.map((full) => {
      const alias = splitAvroName(full, undefined)
      return jsonString(alias.space === node.name.space ? alias.name : full)
    })
    member(false, 'aliases', `[${items.join(',')}]`)
  }

  const writeName = (node: AvroNamedNode, enclosing: string | undefined) => {
    member(false, 'name', jsonString(node.name.name))
    if (node.name.space !== undefined) {
      if (node.name.space !== enclosing) member(false, 'namespace', jsonString(node.name.space))
    } else if (enclosing !== undefined) member(false, 'namespace', '""')
  }

  const writeDoc = (doc: string | undefined) => {
    if (doc === undefined || (normalize && doc === '')) return
    member(false, 'doc', jsonString(doc))
  }

  const writeLogical = (node: AvroNode & { props: AvroProps }): Set<string> => {
    // Confluent's normalize writes a valid logical type's attributes first, then all properties sorted; on
    // re-parse the repeated keys keep their first position.
    const written = new Set<string>()
    if (!normalize || !validLogicalType(node)) return written
    const lt = node.props.get('logicalType') as string
    member(false, 'logicalType', jsonString(lt))
    written.add('logicalType')
    if (lt === 'decimal') {
      member(false, 'precision', writeJson(node.props.get('precision')!))
      written.add('precision')
      const scale = node.props.get('scale')
      if (scale instanceof JsonNumber && scale.value !== 0) {
        member(false, 'scale', writeJson(scale))
        written.add('scale')
      }
    }
    return written
  }

  const writeField = (f: AvroField, enclosing: string | undefined) => {
    w('{')
    member(true, 'name', jsonString(f.name))
    w(',"type":')
    node(f.type, enclosing)
    if (f.doc !== undefined) member(false, 'doc', jsonString(f.doc))
    if (f.default !== undefined) {
      member(false, 'default', writeJson(normalize ? normalizeDefault(f.type, f.default) : f.default))
    }
    if (f.order !== 'ascending') member(false, 'order', jsonString(f.order))
    if (f.aliases.length > 0) {
      const list = normalize ? [...f.aliases].sort() : f.aliases
      member(false, 'aliases', `[${list.map(jsonString).join(',')}]`)
    }
    writeProps(f.props)
    w('}')
  }

  const node = (n: AvroNode, enclosing: string | undefined): void => {
    switch (n.kind) {
      case 'primitive': {
        if (n.props.size === 0) {
          w(jsonString(n.type))
          return
        }
        w('{')
        member(true, 'type', jsonString(n.type))
        writeProps(n.props, writeLogical(n))
        w('}')
        return
      }
      case 'array':
      case 'map': {
        w('{')
        member(true, 'type', jsonString(n.kind))
        w(n.kind === 'array' ? ',"items":' : ',"values":')
        node(n.kind === 'array' ? n.items : n.values, enclosing)
        writeProps(n.props)
        w('}')
        return
      }
      case 'union': {
        w('[')
        n.branches.forEach((b, k) => {
          if (k > 0) w(',')
          node(b, enclosing)
        })
        w(']')
        return
      }
      default: {
        // Types from references are written by name, never inlined.
        if (known.has(n.name.full) || (n.external && !avsc?.local.has(n.name.full))) {
          w(jsonString(qualified(n.name.full, n.name.name, n.name.space, enclosing)))
          return
        }
        known.add(n.name.full)
        w('{')
        member(true, 'type', jsonString(n.kind === 'record' && n.error ? 'error' : n.kind))
        writeName(n, enclosing)
        writeDoc(n.doc)
        if (n.kind === 'record') {
          w(',"fields":[')
          n.fields.forEach((f, k) => {
            if (k > 0) w(',')
            writeField(f, n.name.space)
          })
          w(']')
          writeProps(n.props)
        } else if (n.kind === 'enum') {
          member(false, 'symbols', `[${n.symbols.map(jsonString).join(',')}]`)
          if (n.default !== undefined) member(false, 'default', jsonString(n.default))
          writeProps(n.props)
        } else {
          member(false, 'size', String(n.size))
          writeProps(n.props, writeLogical(n))
        }
        writeAliases(n)
        w('}')
      }
    }
  }

  try {
    node(root, undefined)
  } catch (e) {
    if (e !== TOO_LONG) throw e
    return `${out.join('').slice(0, limit)}...`
  }
  return out.join('')
}

const TOO_LONG = Symbol('too long')
const TYPE_WORDS = new Set(['record', 'enum', 'fixed', 'array', 'map', 'union'])

const isInt = (v: JsonValue | undefined): v is JsonNumber => v instanceof JsonNumber && v.integral

/** Whether Avro Java recognises the logical type (invalid ones are ignored and the base type is used). */
export function validLogicalType(n: AvroNode): boolean {
  if (n.kind !== 'primitive' && n.kind !== 'fixed') return false
  const lt = n.props.get('logicalType')
  if (typeof lt !== 'string') return false
  const base = n.kind === 'fixed' ? 'fixed' : n.type
  switch (lt) {
    case 'decimal': {
      const p = n.props.get('precision')
      const s = n.props.get('scale')
      if (!isInt(p) || p.value <= 0) return false
      if (s !== undefined && (!isInt(s) || s.value < 0 || s.value > p.value)) return false
      if (base === 'bytes') return true
      if (n.kind === 'fixed') return p.value <= Math.floor(Math.log10(2) * (8 * n.size - 1))
      return false
    }
    case 'uuid':
      return base === 'string' || (n.kind === 'fixed' && n.size === 16)
    case 'date':
    case 'time-millis':
      return base === 'int'
    case 'time-micros':
    case 'timestamp-millis':
    case 'timestamp-micros':
    case 'timestamp-nanos':
    case 'local-timestamp-millis':
    case 'local-timestamp-micros':
    case 'local-timestamp-nanos':
      return base === 'long'
    case 'big-decimal':
      return base === 'bytes'
    case 'duration':
      return n.kind === 'fixed' && n.size === 12
    default:
      return false
  }
}
