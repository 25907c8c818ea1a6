import type { AvroName, AvroPrimitive, JsonObject, JsonValue } from '@kafkit/common/avro-schema'

export type { AvroName, AvroPrimitive }

/** A schema reference as Confluent sends it, plus the referenced schema's text. */
export interface AvroSchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
  readonly schema: string
}

export interface ParseAvroSchemaOptions {
  /** Referenced schemas in dependency order (a reference's own references first). */
  readonly references?: ReadonlyArray<AvroSchemaReference>
  /**
   * Also compile with avsc as a backstop (default true). The registry's state machine turns it off when
   * it replays the log: every schema in the log passed it when it was proposed, and avsc's compile is
   * most of the cost of a replay.
   */
  readonly avscBackstop?: boolean
}

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

export interface ParsedAvroSchema {
  readonly type: 'AVRO'
  /** The schema as parsed JSON (plain objects; numbers beyond 2^53 lose precision here, not in canonical). */
  readonly json: unknown
  /** Confluent's AvroSchema.canonicalString(): what decides "the same schema" for register and lookup. */
  readonly canonical: string
  /** What Confluent stores for `?normalize=true`: canonical form of the normalized schema. */
  readonly normalized: string
  /** sha256 (hex) of the canonical text plus the references (name, subject, version). */
  readonly fingerprint: string
  /** Full names of the named types this schema defines (not those of its references), in definition order. */
  readonly namedTypes: string[]
  /** The resolved schema graph, for the compatibility checker. */
  readonly root: AvroNode
  readonly references: ReadonlyArray<AvroSchemaReference>
}
