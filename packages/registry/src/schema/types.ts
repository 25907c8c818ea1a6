import type { AvroNode } from '@kafkit/common/avro-schema'

export type {
  AvroArrayNode,
  AvroEnumNode,
  AvroField,
  AvroFixedNode,
  AvroMapNode,
  AvroName,
  AvroNamedNode,
  AvroNode,
  AvroPrimitive,
  AvroPrimitiveNode,
  AvroProps,
  AvroRecordNode,
  AvroUnionNode,
} from '@kafkit/common/avro-schema'

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
