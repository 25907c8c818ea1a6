import { RegistrySchemaError } from '../errors'
import { writeCanonical } from '../schema/canonical'
import type { AvroField, AvroNamedNode, AvroNode, AvroRecordNode, ParsedAvroSchema } from '../schema/types'
import type { CompatibilityIssue, SchemaIncompatibilityType } from './types'

/** Labels used in descriptions: 'new'/'old' inside checkCompatibility, 'reader'/'writer' on their own. */
export interface SideLabels {
  readonly reader: string
  readonly writer: string
}

const SCHEMA_TEXT_LIMIT = 2000

/**
 * Avro schema resolution (the specification's rules, as Avro Java's SchemaCompatibility checks them): can data
 * written with `writer` be read with `reader`? Returns every rule broken, each with the reader-side path.
 * Recursive schemas are safe: a reader/writer pair already being checked counts as compatible.
 */
export function checkReaderWriter(
  reader: ParsedAvroSchema | AvroNode,
  writer: ParsedAvroSchema | AvroNode,
  labels: SideLabels = { reader: 'reader', writer: 'writer' },
): CompatibilityIssue[] {
  const r = 'root' in reader ? reader.root : reader
  const w = 'root' in writer ? writer.root : writer
  let issues: CompatibilityIssue[]
  try {
    issues = new Checker(labels).report(r, w)
  } catch (e) {
    // Parsing caps nesting, but a busy caller's stack may still run out: a typed error, never a crash.
    if (e instanceof RangeError) {
      throw new RegistrySchemaError(`Schemas nested too deeply to check compatibility (${e.message})`, {
        details: { path: '/' },
      })
    }
    throw e
  }
  // A pair met again (recursion, shared named types) repeats its issues: report each once.
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.type}\u0000${i.path}\u0000${i.additionalInfo}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const IN_PROGRESS: Found[] = []

/** An issue before its texts are built (building schema texts for every probe would cost too much). */
interface Found {
  readonly type: SchemaIncompatibilityType
  readonly path: string
  readonly info: string
  readonly reader: AvroNode
  readonly writer: AvroNode
}

class Checker {
  // Two memos: a full check reports every issue; a probe (is this union branch usable?) stops at the first.
  readonly #memo = [new Map<AvroNode, Map<AvroNode, Found[]>>(), new Map<AvroNode, Map<AvroNode, Found[]>>()]
  constructor(readonly labels: SideLabels) {}

  report(reader: AvroNode, writer: AvroNode): CompatibilityIssue[] {
    return this.check(reader, writer, [], false).map((f) => ({
      type: f.type,
      path: f.path,
      message: describe(f.type, f.path, f.info, this.labels),
      additionalInfo: f.info,
      readerSchema: schemaText(f.reader),
      writerSchema: schemaText(f.writer),
    }))
  }

  check(reader: AvroNode, writer: AvroNode, path: string[], probe: boolean): Found[] {
    if (reader === writer) return []
    if (probe) {
      // A pair the full check is already on (recursion) or has done answers the probe, as in Avro's single memo.
      const full = this.#memo[0]!.get(reader)?.get(writer)
      if (full !== undefined) return full === IN_PROGRESS ? [] : full
    }
    const memo = this.#memo[probe ? 1 : 0]!
    let row = memo.get(reader)
    if (!row) {
      row = new Map()
      memo.set(reader, row)
    }
    const hit = row.get(writer)
    // In progress: recursion, compatible unless proven otherwise elsewhere.
    if (hit !== undefined) return hit === IN_PROGRESS ? [] : hit
    row.set(writer, IN_PROGRESS)
    const result = this.#calculate(reader, writer, path, probe)
    row.set(writer, result)
    return result
  }

  #calculate(reader: AvroNode, writer: AvroNode, path: string[], probe: boolean): Found[] {
    const rk = kindOf(reader)
    const wk = kindOf(writer)
    const out: Found[] = []
    const found = (type: SchemaIncompatibilityType, at: string[], info: string, r = reader, w = writer) =>
      out.push({ type, path: `/${at.join('/')}`, info, reader: r, writer: w })
    if (rk === wk) {
      switch (reader.kind) {
        case 'primitive':
          return out
        case 'array':
          return this.check(reader.items, (writer as typeof reader).items, [...path, 'items'], probe)
        case 'map':
          return this.check(reader.values, (writer as typeof reader).values, [...path, 'values'], probe)
        case 'fixed': {
          const wf = writer as typeof reader
          if (!sameName(reader, wf)) found('NAME_MISMATCH', [...path, 'name'], `expected: ${wf.name.full}`)
          if (probe && out.length > 0) return out
          if (reader.size !== wf.size)
            found('FIXED_SIZE_MISMATCH', [...path, 'size'], `expected: ${wf.size}, found: ${reader.size}`)
          return out
        }
        case 'enum': {
          const we = writer as typeof reader
          if (!sameName(reader, we)) found('NAME_MISMATCH', [...path, 'name'], `expected: ${we.name.full}`)
          if (probe && out.length > 0) return out
          const missing = we.symbols.filter((x) => !reader.symbols.includes(x)).sort()
          // A reader enum default absorbs unknown writer symbols (Avro 1.9+).
          if (missing.length > 0 && reader.default === undefined) {
            found('MISSING_ENUM_SYMBOLS', [...path, 'symbols'], `[${missing.join(', ')}]`)
          }
          return out
        }
        case 'record': {
          const wr = writer as AvroRecordNode
          if (!sameName(reader, wr)) found('NAME_MISMATCH', [...path, 'name'], `expected: ${wr.name.full}`)
          for (let k = 0; k < reader.fields.length && !(probe && out.length > 0); k++) {
            const rf = reader.fields[k]!
            const p = [...path, 'fields', String(k)]
            const wf = writerField(wr, rf)
            if (wf === undefined) {
              if (rf.default === undefined) found('READER_FIELD_MISSING_DEFAULT_VALUE', p, rf.name)
            } else out.push(...this.check(rf.type, wf.type, [...p, 'type'], probe))
          }
          return out
        }
        case 'union': {
          // Every writer branch must be readable by the reader union.
          const branches = (writer as typeof reader).branches
          for (let k = 0; k < branches.length && !(probe && out.length > 0); k++) {
            const branch = branches[k]!
            const p = [...path, String(k)]
            if (this.check(reader, branch, p, true).length > 0) {
              found(
                'MISSING_UNION_BRANCH',
                p,
                `reader union lacking writer type: ${kindOf(branch).toUpperCase()}`,
                reader,
                branch,
              )
            }
          }
          return out
        }
      }
    }
    if (writer.kind === 'union') {
      // A non-union reader must read every branch the writer may have used.
      for (let k = 0; k < writer.branches.length && !(probe && out.length > 0); k++) {
        out.push(...this.check(reader, writer.branches[k]!, [...path, String(k)], probe))
      }
      return out
    }
    if (reader.kind === 'union') {
      // Any compatible branch will do; trying the likeliest first (same name, same type, promotion) finds it
      // fast, and probes stop at the first broken rule, so big unions of records stay cheap.
      // A branch of the writer's own full name is the one Avro's resolver picks: only that one counts.
      const exact = reader.branches.find(
        (b) => b.kind === writer.kind && 'name' in b && 'name' in writer && b.name.full === writer.name.full,
      )
      for (const branch of exact ? [exact] : byLikelihood(reader.branches, writer)) {
        if (this.check(branch, writer, path, true).length === 0) return out
      }
      found('MISSING_UNION_BRANCH', path, `reader union lacking writer type: ${wk.toUpperCase()}`)
      return out
    }
    if (PROMOTIONS[rk]?.includes(wk)) return out
    found(
      'TYPE_MISMATCH',
      path,
      `reader type: ${rk.toUpperCase()} not compatible with writer type: ${wk.toUpperCase()}`,
    )
    return out
  }
}

/** Like Avro Java: unqualified names compared, or a reader alias naming the writer's full name. */
function sameName(reader: AvroNamedNode, writer: AvroNamedNode): boolean {
  return reader.name.name === writer.name.name || reader.aliases.includes(writer.name.full)
}

function writerField(writer: AvroRecordNode, rf: AvroField): AvroField | undefined {
  const byName = writer.fields.find((f) => f.name === rf.name)
  if (byName) return byName
  for (const alias of rf.aliases) {
    const hit = writer.fields.find((f) => f.name === alias)
    if (hit) return hit
  }
  return undefined
}

/** Reader type -> writer types it can read by promotion (Avro spec "Schema Resolution"). */
const PROMOTIONS: Readonly<Record<string, ReadonlyArray<string>>> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
}

function byLikelihood(branches: ReadonlyArray<AvroNode>, writer: AvroNode): AvroNode[] {
  const wk = kindOf(writer)
  const score = (b: AvroNode): number => {
    const bk = kindOf(b)
    if (bk === wk) {
      if (b.kind !== 'record' && b.kind !== 'enum' && b.kind !== 'fixed') return 0
      const w = writer as AvroNamedNode
      if (b.name.full === w.name.full) return 0
      return b.name.name === w.name.name || b.aliases.includes(w.name.full) ? 1 : 2
    }
    return PROMOTIONS[bk]?.includes(wk) ? 3 : 4
  }
  return branches
    .map((b, k) => ({ b, k, s: score(b) }))
    .sort((x, y) => x.s - y.s || x.k - y.k)
    .map((x) => x.b)
}

function kindOf(n: AvroNode): string {
  return n.kind === 'primitive' ? n.type : n.kind
}

function schemaText(n: AvroNode): string {
  return writeCanonical(n, false, SCHEMA_TEXT_LIMIT)
}

/** Confluent's descriptions (AvroSchema / Difference), reader side named first. */
export function describe(type: SchemaIncompatibilityType, path: string, info: string, l: SideLabels): string {
  switch (type) {
    case 'FIXED_SIZE_MISMATCH':
      return `The size of FIXED type field at path '${path}' in the ${l.reader} schema does not match with the ${l.writer} schema`
    case 'TYPE_MISMATCH':
      return `The type (path '${path}') of a field in the ${l.reader} schema does not match with the ${l.writer} schema`
    case 'NAME_MISMATCH':
      return `The name of the schema has changed (path '${path}')`
    case 'MISSING_ENUM_SYMBOLS':
      return `The ${l.reader} schema is missing enum symbols '${info}' at path '${path}' in the ${l.writer} schema`
    case 'MISSING_UNION_BRANCH':
      return `The ${l.reader} schema is missing a type inside a union field at path '${path}' in the ${l.writer} schema`
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return `The field '${info}' at path '${path}' in the ${l.reader} schema has no default value and is missing in the ${l.writer} schema`
  }
}
