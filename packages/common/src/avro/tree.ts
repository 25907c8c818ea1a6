import type { JsonObject, JsonValue } from './json-text'
import type { AvroName, AvroPrimitive } from './names'

/*
 * The parsed Avro schema: a resolved graph of nodes, as Avro's Schema.Parser builds it (see parse-tree.ts).
 */

/** Extra (non-reserved) attributes, in the order written. */
export type AvroProps = JsonObject

export interface AvroPrimitiveNode {
  readonly kind: 'primitive'
  readonly type: AvroPrimitive
  readonly props: AvroProps
}

interface NamedBase {
  readonly name: AvroName
  readonly doc: string | undefined
  /** Full names. */
  readonly aliases: ReadonlyArray<string>
  readonly props: AvroProps
  /** Defined by a schema reference, not by this schema. */
  readonly external: boolean
}

export interface AvroField {
  readonly name: string
  readonly type: AvroNode
  readonly doc: string | undefined
  /** undefined: no default. */
  readonly default: JsonValue | undefined
  readonly order: 'ascending' | 'descending' | 'ignore'
  readonly aliases: ReadonlyArray<string>
  readonly props: AvroProps
}

export interface AvroRecordNode extends NamedBase {
  readonly kind: 'record'
  readonly error: boolean
  /** Filled after the record is registered, so recursive references see the same object. */
  fields: AvroField[]
}

export interface AvroEnumNode extends NamedBase {
  readonly kind: 'enum'
  readonly symbols: ReadonlyArray<string>
  readonly default: string | undefined
}

export interface AvroFixedNode extends NamedBase {
  readonly kind: 'fixed'
  readonly size: number
}

export interface AvroArrayNode {
  readonly kind: 'array'
  readonly items: AvroNode
  readonly props: AvroProps
}

export interface AvroMapNode {
  readonly kind: 'map'
  readonly values: AvroNode
  readonly props: AvroProps
}

export interface AvroUnionNode {
  readonly kind: 'union'
  readonly branches: ReadonlyArray<AvroNode>
}

export type AvroNamedNode = AvroRecordNode | AvroEnumNode | AvroFixedNode
/** The resolved schema graph: a named type used twice (or recursively) is the same object. */
export type AvroNode = AvroPrimitiveNode | AvroNamedNode | AvroArrayNode | AvroMapNode | AvroUnionNode
