/**
 * Avro's name rules, once: the primitive type names, the named kinds, what a valid name is, and how a
 * name written in a schema resolves to a full name against its enclosing namespace (Avro spec, "Names").
 */

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'

/** The eight primitive type names. */
export const AVRO_PRIMITIVES: ReadonlySet<string> = new Set<AvroPrimitive>([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
])

/** The `type` values that define a named type (`error` is a record in a protocol). */
export const AVRO_NAMED_KINDS: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed'])

export function isAvroPrimitive(name: unknown): name is AvroPrimitive {
  return typeof name === 'string' && AVRO_PRIMITIVES.has(name)
}

/**
 * One name component (a record, enum, fixed or field name, an enum symbol, a namespace part). ASCII like
 * avsc (Kafkit's own serdes): Java also allows other Unicode letters; see docs/compatibility.md.
 */
export const AVRO_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/

export function isValidAvroName(name: unknown): name is string {
  return typeof name === 'string' && AVRO_NAME_PATTERN.test(name)
}

/** A dotted full name (or namespace): every component a valid name. */
export function isValidAvroFullName(name: unknown): name is string {
  return typeof name === 'string' && name.split('.').every((part) => AVRO_NAME_PATTERN.test(part))
}

/** The namespace part of a full name (`''` when it has none). */
export function namespaceOf(fullName: string): string {
  const i = fullName.lastIndexOf('.')
  return i < 0 ? '' : fullName.slice(0, i)
}

/** The last component of a full name. */
export function shortNameOf(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1)
}

/** A name as written resolved against a namespace: a dotted name is already full; `''` means none. */
export function avroFullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`
}

/** A resolved name: `full` is `space.name`, or `name` without a namespace. */
export interface AvroName {
  readonly name: string
  readonly space: string | undefined
  readonly full: string
}

/**
 * Splits a name as written (`name` attribute, alias or reference) into short name and namespace: a dotted
 * name carries its own namespace, otherwise `namespace` applies (`''` or undefined: none). Not validated.
 */
export function splitAvroName(raw: string, namespace: string | undefined): AvroName {
  const dot = raw.lastIndexOf('.')
  const name = dot < 0 ? raw : raw.slice(dot + 1)
  const space = (dot < 0 ? namespace : raw.slice(0, dot)) || undefined
  return { name, space, full: space === undefined ? name : `${space}.${name}` }
}
