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
  const issues = new Checker(labels).check(r, w, [])
  // A pair met again (recursion, shared named types) repeats its issues: report each once.
  const seen = new Set<string>()
  return issues.filter((i) => {
    const key = `${i.type}\u0000${i.path}\u0000${i.additionalInfo}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const IN_PROGRESS: CompatibilityIssue[] = []

class Checker {
  readonly #memo = new Map<AvroNode, Map<AvroNode, CompatibilityIssue[]>>()
  constructor(readonly labels: SideLabels) {}

  check(reader: AvroNode, writer: AvroNode, path: string[]): CompatibilityIssue[] {
    let row = this.#memo.get(reader)
    if (!row) {
      row = new Map()
      this.#memo.set(reader, row)
    }
    const hit = row.get(writer)
    // In progress: recursion, compatible unless proven otherwise elsewhere.
    if (hit !== undefined) return hit === IN_PROGRESS ? [] : hit
    row.set(writer, IN_PROGRESS)
    const result = this.#calculate(reader, writer, path)
    row.set(writer, result)
    return result
  }

  #calculate(reader: AvroNode, writer: AvroNode, path: string[]): CompatibilityIssue[] {
    const rk = kindOf(reader)
    const wk = kindOf(writer)
    if (rk === wk) {
      switch (reader.kind) {
        case 'primitive':
          return []
        case 'array':
          return this.check(reader.items, (writer as typeof reader).items, [...path, 'items'])
        case 'map':
          return this.check(reader.values, (writer as typeof reader).values, [...path, 'values'])
        case 'fixed': {
          const wf = writer as typeof reader
          const out = this.#names(reader, wf, path)
          if (reader.size !== wf.size) {
            out.push(
              this.#issue(
                'FIXED_SIZE_MISMATCH',
                [...path, 'size'],
                `expected: ${wf.size}, found: ${reader.size}`,
                reader,
                writer,
              ),
            )
          }
          return out
        }
        case 'enum': {
          const we = writer as typeof reader
          const out = this.#names(reader, we, path)
          const missing = we.symbols.filter((s) => !reader.symbols.includes(s)).sort()
          // A reader enum default absorbs unknown writer symbols (Avro 1.9+).
          if (missing.length > 0 && reader.default === undefined) {
            out.push(
              this.#issue(
                'MISSING_ENUM_SYMBOLS',
                [...path, 'symbols'],
                `[${missing.join(', ')}]`,
                reader,
                writer,
              ),
            )
          }
          return out
        }
        case 'record': {
          const out = this.#names(reader, writer as AvroRecordNode, path)
          out.push(...this.#fields(reader, writer as AvroRecordNode, path))
          return out
        }
        case 'union': {
          // Every writer branch must be readable by the reader union.
          const out: CompatibilityIssue[] = []
          ;(writer as typeof reader).branches.forEach((branch, k) => {
            const p = [...path, String(k)]
            if (this.check(reader, branch, p).length > 0) {
              out.push(
                this.#issue(
                  'MISSING_UNION_BRANCH',
                  p,
                  `reader union lacking writer type: ${kindOf(branch).toUpperCase()}`,
                  reader,
                  branch,
                ),
              )
            }
          })
          return out
        }
      }
    }
    if (writer.kind === 'union') {
      // A non-union reader must read every branch the writer may have used.
      const out: CompatibilityIssue[] = []
      writer.branches.forEach((branch, k) => {
        out.push(...this.check(reader, branch, [...path, String(k)]))
      })
      return out
    }
    if (reader.kind === 'union') {
      for (const branch of reader.branches) if (this.check(branch, writer, path).length === 0) return []
      return [
        this.#issue(
          'MISSING_UNION_BRANCH',
          path,
          `reader union lacking writer type: ${wk.toUpperCase()}`,
          reader,
          writer,
        ),
      ]
    }
    if (PROMOTIONS[rk]?.includes(wk)) return []
    return [
      this.#issue(
        'TYPE_MISMATCH',
        path,
        `reader type: ${rk.toUpperCase()} not compatible with writer type: ${wk.toUpperCase()}`,
        reader,
        writer,
      ),
    ]
  }

  #names(reader: AvroNamedNode, writer: AvroNamedNode, path: string[]): CompatibilityIssue[] {
    // Like Avro Java: unqualified names compared, or a reader alias naming the writer's full name.
    if (reader.name.name === writer.name.name || reader.aliases.includes(writer.name.full)) return []
    return [this.#issue('NAME_MISMATCH', [...path, 'name'], `expected: ${writer.name.full}`, reader, writer)]
  }

  #fields(reader: AvroRecordNode, writer: AvroRecordNode, path: string[]): CompatibilityIssue[] {
    const out: CompatibilityIssue[] = []
    reader.fields.forEach((rf, k) => {
      const p = [...path, 'fields', String(k)]
      const wf = writerField(writer, rf)
      if (wf === undefined) {
        if (rf.default === undefined)
          out.push(this.#issue('READER_FIELD_MISSING_DEFAULT_VALUE', p, rf.name, reader, writer))
      } else {
        out.push(...this.check(rf.type, wf.type, [...p, 'type']))
      }
    })
    return out
  }

  #issue(
    type: SchemaIncompatibilityType,
    path: string[],
    additionalInfo: string,
    reader: AvroNode,
    writer: AvroNode,
  ): CompatibilityIssue {
    const at = `/${path.join('/')}`
    return {
      type,
      path: at,
      message: describe(type, at, additionalInfo, this.labels),
      additionalInfo,
      readerSchema: schemaText(reader),
      writerSchema: schemaText(writer),
    }
  }
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

function kindOf(n: AvroNode): string {
  return n.kind === 'primitive' ? n.type : n.kind
}

function schemaText(n: AvroNode): string {
  const s = writeCanonical(n, false)
  return s.length > SCHEMA_TEXT_LIMIT ? `${s.slice(0, SCHEMA_TEXT_LIMIT)}...` : s
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
