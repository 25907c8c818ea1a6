import { coerceFloatText, defaultProblem } from './defaults'
import { isJsonObject, JsonNumber, type JsonObject, type JsonValue } from './json-text'
import {
  AVRO_PRIMITIVES,
  type AvroName,
  type AvroPrimitive,
  isValidAvroFullName,
  isValidAvroName,
  splitAvroName,
} from './names'
import type {
  AvroEnumNode,
  AvroField,
  AvroFixedNode,
  AvroNamedNode,
  AvroNode,
  AvroProps,
  AvroRecordNode,
} from './tree'

/*
 * The one Avro schema parser: parsed JSON (json-text.ts) to the resolved tree (tree.ts), validating like
 * Avro Java's Schema.Parser (which Confluent's registry uses), places as JSON Pointers.
 */

// Attributes Avro reserves per construct; everything else is kept as a custom property (Avro's Schema.java).
const SCHEMA_RESERVED = new Set([
  'doc',
  'fields',
  'items',
  'name',
  'namespace',
  'size',
  'symbols',
  'values',
  'type',
  'aliases',
])
const ENUM_RESERVED = new Set([...SCHEMA_RESERVED, 'default'])
const FIELD_RESERVED = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases'])

/** What a schema error carries: the JSON Pointer of the place (`/` for the root) and which document. */
export interface AvroSchemaErrorDetails {
  readonly path: string
  readonly in?: string
}

/** Where parsing is: the names defined so far, which document, and how the caller's errors are made. */
export interface ParseContext {
  readonly names: Map<string, AvroNamedNode>
  /** Full names defined by the document being parsed, in order. */
  readonly defined: string[]
  readonly external: boolean
  /** e.g. "reference 'Address' (subject addr, version 1)"; empty for the main schema. */
  readonly where: string
  /**
   * Makes the error thrown for an invalid schema (each package throws its own typed error). `problem` is
   * what is wrong without the place, for callers that word the place themselves.
   */
  readonly error: (message: string, details: AvroSchemaErrorDetails, problem: string) => Error
  /**
   * For readers of many files (codegen), where a type may be defined later or in another file: a reference
   * to a valid full name not defined before this point is answered by this callback (`fullName` resolved
   * against the enclosing namespace) instead of failing; the caller then resolves it itself. Unset: Avro
   * Java's rule, define before use.
   */
  readonly unresolved?: (fullName: string, path: string) => AvroNode
  /** false: field defaults are not checked here (codegen checks them itself, with its own error code). */
  readonly checkDefaults?: boolean
}

/** The error for `what` is wrong at `path`: "Invalid Avro schema at /fields/0: ...". */
export function schemaError(ctx: ParseContext, path: string, what: string, hint?: string): Error {
  const at = `${ctx.where ? `${ctx.where}, ` : ''}at ${path || '/'}`
  const problem = `${what}${hint ? ` (${hint})` : ''}`
  return ctx.error(
    `Invalid Avro schema ${at}: ${problem}`,
    { path: path || '/', ...(ctx.where ? { in: ctx.where } : {}) },
    problem,
  )
}

/**
 * Most nodes carry no extra attributes: they share one empty map (never written after parsing)
 * instead of holding one each, which is a large part of a stored schema's memory.
 */
const NO_PROPS: AvroProps = new Map()

function props(obj: JsonObject, reserved: ReadonlySet<string>): AvroProps {
  let out: AvroProps | undefined
  for (const [k, v] of obj) {
    if (reserved.has(k)) continue
    out ??= new Map()
    out.set(k, v)
  }
  return out ?? NO_PROPS
}

function optionalString(ctx: ParseContext, obj: JsonObject, key: string, path: string): string | undefined {
  const v = obj.get(key)
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw schemaError(ctx, `${path}/${key}`, `'${key}' must be a string`)
  return v
}

/** Avro Java reads `doc` with textValue(): a non-string doc is silently dropped, not an error. */
function docOf(obj: JsonObject): string | undefined {
  const v = obj.get('doc')
  return typeof v === 'string' ? v : undefined
}

function checkName(ctx: ParseContext, name: string, path: string, what: string): void {
  if (!isValidAvroName(name)) {
    throw schemaError(
      ctx,
      path,
      `invalid ${what} ${JSON.stringify(name)}`,
      'names start with a letter or _ and contain only letters, digits and _',
    )
  }
}

function makeName(ctx: ParseContext, raw: string, space: string | undefined, path: string): AvroName {
  const resolved = splitAvroName(raw, space)
  checkName(ctx, resolved.name, path, 'name')
  const ns = resolved.space
  if (ns !== undefined) {
    for (const part of ns.split('.'))
      checkName(ctx, part, path, `namespace component in ${JSON.stringify(ns)}:`)
  }
  return resolved
}

function aliasesOf(
  ctx: ParseContext,
  obj: JsonObject,
  path: string,
  space: string | undefined,
  named: boolean,
): string[] {
  const v = obj.get('aliases')
  if (v === undefined) return []
  if (!Array.isArray(v) || v.some((a) => typeof a !== 'string')) {
    throw schemaError(ctx, `${path}/aliases`, "'aliases' must be an array of strings")
  }
  const out: string[] = []
  for (const a of v as string[]) {
    const full = named ? makeName(ctx, a, space, `${path}/aliases`).full : a
    // Field aliases are not validated as names by Avro Java either.
    if (!out.includes(full)) out.push(full)
  }
  return out
}

/** Resolves a type name like Avro's Names.get: the enclosing namespace first, then no namespace. */
function lookup(ctx: ParseContext, ref: string, space: string | undefined): AvroNamedNode | undefined {
  if (!ref.includes('.') && space !== undefined) {
    const hit = ctx.names.get(`${space}.${ref}`)
    if (hit) return hit
  }
  return ctx.names.get(ref)
}

/** A reference nothing defines yet: the caller's answer when it resolves names itself, else undefined. */
function unresolved(
  ctx: ParseContext,
  ref: string,
  space: string | undefined,
  path: string,
): AvroNode | undefined {
  if (!ctx.unresolved) return undefined
  if (!isValidAvroFullName(ref)) throw schemaError(ctx, path, `invalid type name ${JSON.stringify(ref)}`)
  return ctx.unresolved(splitAvroName(ref, space).full, path)
}

function primitive(type: AvroPrimitive, p: AvroProps): AvroNode {
  return { kind: 'primitive', type, props: p }
}

/** Builds the resolved schema graph from parsed JSON, validating like Avro's Schema.Parser. */
export function parseNode(
  ctx: ParseContext,
  json: JsonValue,
  space: string | undefined,
  path: string,
): AvroNode {
  if (typeof json === 'string') {
    if (AVRO_PRIMITIVES.has(json)) return primitive(json as AvroPrimitive, NO_PROPS)
    const hit = lookup(ctx, json, space) ?? unresolved(ctx, json, space, path)
    if (hit) return hit
    throw schemaError(
      ctx,
      path,
      `unknown type ${JSON.stringify(json)}`,
      `not a primitive type and no named type ${space && !json.includes('.') ? `"${space}.${json}" or ` : ''}"${json}" is defined before this point; define it first or add a schema reference that defines it`,
    )
  }
  if (Array.isArray(json)) {
    const branches: AvroNode[] = []
    const seen = new Set<string>()
    json.forEach((b, k) => {
      const bp = `${path}/${k}`
      if (Array.isArray(b)) throw schemaError(ctx, bp, 'a union cannot directly contain another union')
      const node = parseNode(ctx, b, space, bp)
      const key =
        node.kind === 'record' || node.kind === 'enum' || node.kind === 'fixed'
          ? node.name.full
          : node.kind === 'primitive'
            ? node.type
            : node.kind
      if (seen.has(key)) throw schemaError(ctx, bp, `duplicate type ${JSON.stringify(key)} in union`)
      seen.add(key)
      branches.push(node)
    })
    if (branches.length === 0) throw schemaError(ctx, path, 'a union needs at least one branch')
    return { kind: 'union', branches }
  }
  if (!isJsonObject(json)) {
    throw schemaError(
      ctx,
      path,
      `a schema must be a type name, an object or a union array, not ${describe(json)}`,
    )
  }
  const type = json.get('type')
  if (type === undefined) throw schemaError(ctx, path, "missing 'type'")
  if (typeof type !== 'string') {
    // {"type": {...}} is how a field declares its type, not a schema: Avro rejects it at schema level too.
    throw schemaError(ctx, `${path}/type`, `'type' must be a string, not ${describe(type)}`)
  }
  if (AVRO_PRIMITIVES.has(type)) return primitive(type as AvroPrimitive, props(json, SCHEMA_RESERVED))
  switch (type) {
    case 'record':
    case 'error':
      return parseRecord(ctx, json, space, path, type === 'error')
    case 'enum':
      return parseEnum(ctx, json, space, path)
    case 'fixed':
      return parseFixed(ctx, json, space, path)
    case 'array': {
      const items = json.get('items')
      if (items === undefined) throw schemaError(ctx, path, "an array needs 'items'")
      return {
        kind: 'array',
        items: parseNode(ctx, items, space, `${path}/items`),
        props: props(json, SCHEMA_RESERVED),
      }
    }
    case 'map': {
      const values = json.get('values')
      if (values === undefined) throw schemaError(ctx, path, "a map needs 'values'")
      return {
        kind: 'map',
        values: parseNode(ctx, values, space, `${path}/values`),
        props: props(json, SCHEMA_RESERVED),
      }
    }
    default: {
      // {"type": "com.example.Named"} refers to a defined named type, as Avro allows.
      const hit = lookup(ctx, type, space) ?? unresolved(ctx, type, space, `${path}/type`)
      if (hit) return hit
      throw schemaError(
        ctx,
        `${path}/type`,
        `unknown type ${JSON.stringify(type)}`,
        'use a primitive, record, enum, fixed, array, map, or the name of a named type defined before this point',
      )
    }
  }
}

function describe(v: JsonValue): string {
  if (v === null) return 'null'
  if (v instanceof JsonNumber) return `the number ${v.raw}`
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Map) return 'an object'
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `the boolean ${v}`
}

function namedHeader(
  ctx: ParseContext,
  json: JsonObject,
  space: string | undefined,
  path: string,
): { name: AvroName; doc: string | undefined } {
  const rawName = json.get('name')
  if (rawName === undefined) throw schemaError(ctx, path, `a ${String(json.get('type'))} needs a 'name'`)
  if (typeof rawName !== 'string') throw schemaError(ctx, `${path}/name`, "'name' must be a string")
  const ns = optionalString(ctx, json, 'namespace', path)
  const name = makeName(ctx, rawName, ns ?? space, `${path}/name`)
  if (AVRO_PRIMITIVES.has(name.full)) {
    throw schemaError(
      ctx,
      `${path}/name`,
      `a named type cannot be called ${JSON.stringify(name.full)}, a primitive type`,
    )
  }
  if (ctx.names.has(name.full)) {
    const prev = ctx.names.get(name.full)!
    throw schemaError(
      ctx,
      `${path}/name`,
      `duplicate name: ${JSON.stringify(name.full)} is already defined${prev.external ? ' by a schema reference' : ''}`,
      'define each named type once and refer to it by name afterwards',
    )
  }
  return { name, doc: docOf(json) }
}

function register(ctx: ParseContext, node: AvroNamedNode): void {
  ctx.names.set(node.name.full, node)
  ctx.defined.push(node.name.full)
}

function parseRecord(
  ctx: ParseContext,
  json: JsonObject,
  space: string | undefined,
  path: string,
  error: boolean,
): AvroRecordNode {
  const { name, doc } = namedHeader(ctx, json, space, path)
  const rawFields = json.get('fields')
  if (!Array.isArray(rawFields)) throw schemaError(ctx, path, `record ${name.full} needs a 'fields' array`)
  const node: AvroRecordNode = {
    kind: 'record',
    error,
    name,
    doc,
    aliases: aliasesOf(ctx, json, path, name.space, true),
    props: props(json, SCHEMA_RESERVED),
    external: ctx.external,
    fields: [],
  }
  // Registered before the fields so a field may refer to the record itself (recursion).
  register(ctx, node)
  const seen = new Set<string>()
  rawFields.forEach((f, k) => {
    const fp = `${path}/fields/${k}`
    if (!isJsonObject(f)) throw schemaError(ctx, fp, 'a field must be an object')
    const fname = f.get('name')
    if (typeof fname !== 'string') throw schemaError(ctx, fp, "a field needs a string 'name'")
    checkName(ctx, fname, `${fp}/name`, 'field name')
    if (seen.has(fname))
      throw schemaError(ctx, `${fp}/name`, `duplicate field ${JSON.stringify(fname)} in record ${name.full}`)
    seen.add(fname)
    const ftype = f.get('type')
    if (ftype === undefined) throw schemaError(ctx, fp, `field ${JSON.stringify(fname)} needs a 'type'`)
    const rawOrder = f.get('order')
    let order: AvroField['order'] = 'ascending'
    if (rawOrder !== undefined) {
      const o = typeof rawOrder === 'string' ? rawOrder.toLowerCase() : ''
      if (o !== 'ascending' && o !== 'descending' && o !== 'ignore') {
        throw schemaError(ctx, `${fp}/order`, "'order' must be 'ascending', 'descending' or 'ignore'")
      }
      order = o
    }
    const type = parseNode(ctx, ftype, name.space, `${fp}/type`)
    let def = f.get('default')
    if (def !== undefined && ctx.checkDefaults !== false) {
      def = coerceFloatText(type, def)
      const problem = defaultProblem(type, def)
      if (problem) {
        throw schemaError(
          ctx,
          `${fp}/default`,
          `invalid default for field ${JSON.stringify(fname)} of record ${name.full}: ${problem}`,
        )
      }
    }
    node.fields.push({
      name: fname,
      type,
      doc: docOf(f),
      default: def,
      order,
      aliases: aliasesOf(ctx, f, fp, undefined, false),
      props: props(f, FIELD_RESERVED),
    })
  })
  return node
}

function parseEnum(
  ctx: ParseContext,
  json: JsonObject,
  space: string | undefined,
  path: string,
): AvroEnumNode {
  const { name, doc } = namedHeader(ctx, json, space, path)
  const symbols = json.get('symbols')
  if (!Array.isArray(symbols) || symbols.some((s) => typeof s !== 'string')) {
    throw schemaError(ctx, `${path}/symbols`, `enum ${name.full} needs a 'symbols' array of strings`)
  }
  const seen = new Set<string>()
  symbols.forEach((s, k) => {
    checkName(ctx, s as string, `${path}/symbols/${k}`, 'enum symbol')
    if (seen.has(s as string))
      throw schemaError(ctx, `${path}/symbols/${k}`, `duplicate enum symbol ${JSON.stringify(s)}`)
    seen.add(s as string)
  })
  const def = json.get('default')
  if (def !== undefined && (typeof def !== 'string' || !seen.has(def))) {
    throw schemaError(
      ctx,
      `${path}/default`,
      `enum default ${JSON.stringify(def instanceof Map ? 'object' : def instanceof JsonNumber ? def.raw : def)} is not one of the symbols of ${name.full}`,
    )
  }
  const node: AvroEnumNode = {
    kind: 'enum',
    name,
    doc,
    symbols: symbols as string[],
    default: def as string | undefined,
    aliases: aliasesOf(ctx, json, path, name.space, true),
    props: props(json, ENUM_RESERVED),
    external: ctx.external,
  }
  register(ctx, node)
  return node
}

function parseFixed(
  ctx: ParseContext,
  json: JsonObject,
  space: string | undefined,
  path: string,
): AvroFixedNode {
  const { name, doc } = namedHeader(ctx, json, space, path)
  const size = json.get('size')
  if (!(size instanceof JsonNumber) || !size.integral || size.value < 0 || size.value > 2147483647) {
    throw schemaError(ctx, `${path}/size`, `fixed ${name.full} needs a non-negative integer 'size'`)
  }
  const node: AvroFixedNode = {
    kind: 'fixed',
    name,
    doc,
    size: size.value,
    aliases: aliasesOf(ctx, json, path, name.space, true),
    props: props(json, SCHEMA_RESERVED),
    external: ctx.external,
  }
  register(ctx, node)
  return node
}
