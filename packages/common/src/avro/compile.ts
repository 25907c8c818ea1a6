import avro, { type Type } from 'avsc'
import { MAX_SAFE_LONG } from './values'

/*
 * What the per-schema compilers share (common's checker, the client's reader and writer): which avsc
 * class a type is, avsc's inline primitive checks, and the builder of one function per record, array,
 * map and unwrapped union, compiled once per schema from avsc's own types (no user text reaches the
 * source), as avsc does. Each compiler decides what it compiles and leaves the rest to the avsc type.
 */

/** The exact avsc class of a type (a subclass, like a logical type, is `other`: its avsc type handles it). */
export type AvscKind =
  | 'null'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'string'
  | 'bytes'
  | 'record'
  | 'array'
  | 'map'
  | 'unwrapped-union'
  | 'other'

const { types } = avro

const KINDS: ReadonlyArray<readonly [unknown, AvscKind]> = [
  [types.NullType, 'null'],
  [types.BooleanType, 'boolean'],
  [types.IntType, 'int'],
  [types.LongType, 'long'],
  [types.FloatType, 'float'],
  [types.DoubleType, 'double'],
  [types.StringType, 'string'],
  [types.BytesType, 'bytes'],
  [types.RecordType, 'record'],
  [types.ArrayType, 'array'],
  [types.MapType, 'map'],
  [types.UnwrappedUnionType, 'unwrapped-union'],
]

export function avscKind(type: Type): AvscKind {
  const proto = Object.getPrototypeOf(type)
  for (const [ctor, kind] of KINDS) if (proto === (ctor as { prototype: unknown }).prototype) return kind
  return 'other'
}

/**
 * A boolean expression: is the value in variable `v` (a plain identifier) valid for a primitive kind,
 * the exact test avsc's type makes; undefined for other kinds.
 */
export function primitiveCheck(kind: AvscKind, v: string): string | undefined {
  switch (kind) {
    case 'null':
      return `${v} === null`
    case 'boolean':
      return `typeof ${v} === 'boolean'`
    case 'int':
      return `${v} === (${v} | 0)`
    case 'long':
      return `(typeof ${v} === 'number' && ${v} % 1 === 0 && ${v} >= -${MAX_SAFE_LONG} && ${v} <= ${MAX_SAFE_LONG})`
    case 'float':
    case 'double':
      return `typeof ${v} === 'number'`
    case 'string':
      return `typeof ${v} === 'string'`
    default:
      return undefined
  }
}

/** The avsc fields of a record type, array items, map values and union branches (avsc internals). */
export interface AvscField {
  readonly name: string
  readonly type: Type
  defaultValue(): unknown
}
export const recordFields = (type: Type): readonly AvscField[] =>
  (type as unknown as { fields: readonly AvscField[] }).fields
export const itemsType = (type: Type): Type => (type as unknown as { itemsType: Type }).itemsType
export const valuesType = (type: Type): Type => (type as unknown as { valuesType: Type }).valuesType
export const unionBranches = (type: Type): readonly Type[] =>
  (type as unknown as { types: readonly Type[] }).types

/** Collects the functions and constants of one compiled schema. */
export class CompiledSource {
  readonly #values: unknown[] = []
  readonly #functions: string[] = []
  readonly #names = new Map<Type, string>()

  /**
   * @param prefix first letter of the generated function names
   * @param params the parameters of every generated function (`'v'`, `'t, v'`)
   */
  constructor(
    private readonly prefix: string,
    private readonly params: string,
  ) {}

  /** The identifier a compiled function uses for a constant (an avsc type, a record class, bytes). */
  ref(value: unknown): string {
    let i = this.#values.indexOf(value)
    if (i < 0) i = this.#values.push(value) - 1
    return `c${i}`
  }

  /** The name of the function for `type`; named before its body is built, so recursion finds it. */
  fn(type: Type, body: () => string): string {
    let name = this.#names.get(type)
    if (name === undefined) {
      name = `${this.prefix}${this.#names.size}`
      this.#names.set(type, name)
      this.#functions.push(`function ${name}(${this.params}) {\n${body()}\n}`)
    }
    return name
  }

  /** Compiles the functions plus `top` (a function expression's source) and returns what `top` is. */
  compile<T>(top: string, helpers: Readonly<Record<string, unknown>> = {}): T {
    const names = [...Object.keys(helpers), ...this.#values.map((_, i) => `c${i}`)]
    const source = `${this.#functions.join('\n')}\nreturn ${top}`
    return new Function(...names, source)(...Object.values(helpers), ...this.#values) as T
  }
}
