import type { AvroSerdeDescriptor } from '@kafkit/common'
import type { Resolver, Type } from 'avsc'
import { ClientError } from '../errors'
import type { SchemaRegistry } from './registry'
import { frame, unframe } from './wire-format'

/**
 * Caches schema text by id per registry, so each writer schema is fetched once per process. The
 * cache holds promises, so concurrent decodes of the same new id share one request.
 */
export class SchemaCache {
  readonly #registry: SchemaRegistry
  readonly #byId = new Map<number, Promise<string>>()

  constructor(registry: SchemaRegistry) {
    this.#registry = registry
  }

  get registry(): SchemaRegistry {
    return this.#registry
  }

  schemaText(id: number): Promise<string> {
    let p = this.#byId.get(id)
    if (p === undefined) {
      p = this.#registry.getSchemaById(id).then(
        (r) => {
          if (r.schemaType !== undefined && r.schemaType !== 'AVRO') {
            throw new ClientError(
              'KAFKIT_CLIENT_DECODE_FAILED',
              `schema id ${id} is a ${r.schemaType} schema; only Avro is supported`,
              { details: { reason: 'not-avro', schemaId: id, schemaType: r.schemaType } },
            )
          }
          return r.schema
        },
        (error: unknown) => {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `could not fetch writer schema id ${id} from the registry: ${(error as Error).message}`,
            { cause: error, details: { reason: 'unknown-schema-id', schemaId: id } },
          )
        },
      )
      // A failed lookup is not cached: the registry may come back, or the id may appear later.
      p.catch(() => this.#byId.delete(id))
      this.#byId.set(id, p)
    }
    return p
  }
}

/** Encodes a value already known valid for `type` and frames it with the schema id. */
export function encodeAvro(type: Type, schemaId: number, value: unknown): Buffer {
  let payload: Buffer
  try {
    payload = type.toBuffer(value)
  } catch (error) {
    throw new ClientError(
      'KAFKIT_CLIENT_ENCODE_FAILED',
      `value cannot be encoded with schema ${type.name ?? type.typeName}: ${(error as Error).message}`,
      { cause: error },
    )
  }
  return frame(schemaId, payload)
}

/**
 * Decodes Confluent-framed Avro into a descriptor's reader type: the writer schema comes from the
 * registry by id and is resolved against the reader (`reader.createResolver(writer)`), so data from
 * an older or newer compatible writer arrives in the reader's shape. Resolvers are cached per id.
 */
export class AvroDecoder<Out = unknown> {
  readonly #descriptor: AvroSerdeDescriptor<Out, unknown>
  readonly #cache: SchemaCache
  readonly #resolvers = new Map<number, Promise<Resolver | undefined>>()
  /** Resolvers that are settled, for the synchronous path (undefined: writer equals reader). */
  readonly #ready = new Map<number, Resolver | undefined>()

  constructor(descriptor: AvroSerdeDescriptor<Out, unknown>, cache: SchemaCache) {
    this.#descriptor = descriptor
    this.#cache = cache
  }

  async decode(data: Buffer): Promise<{ value: Out; schemaId: number }> {
    const { schemaId, payload } = unframe(data)
    const resolver = this.#ready.has(schemaId) ? this.#ready.get(schemaId) : await this.#resolver(schemaId)
    return this.#read(payload, schemaId, resolver)
  }

  /**
   * Synchronous fast path for the consumer's hot loop: decodes when the writer schema of `data` is
   * already resolved, and returns undefined (nothing decoded) when it still has to be fetched.
   */
  decodeCached(data: Buffer): { value: Out; schemaId: number } | undefined {
    const { schemaId, payload } = unframe(data)
    if (!this.#ready.has(schemaId)) return undefined
    return this.#read(payload, schemaId, this.#ready.get(schemaId))
  }

  #read(payload: Buffer, schemaId: number, resolver: Resolver | undefined): { value: Out; schemaId: number } {
    const reader = this.#descriptor.type
    try {
      // `noCheck` false: trailing bytes mean the payload was not what the id says.
      const value = (
        resolver === undefined ? reader.fromBuffer(payload) : reader.fromBuffer(payload, resolver)
      ) as Out
      return { value, schemaId }
    } catch (error) {
      throw new ClientError(
        'KAFKIT_CLIENT_DECODE_FAILED',
        `payload does not decode with writer schema id ${schemaId}: ${(error as Error).message}`,
        { cause: error, details: { reason: 'bad-payload', schemaId } },
      )
    }
  }

  #resolver(schemaId: number): Promise<Resolver | undefined> {
    let p = this.#resolvers.get(schemaId)
    if (p === undefined) {
      p = this.#cache.schemaText(schemaId).then((text) => {
        const reader = this.#descriptor.type
        let writer: Type
        try {
          writer = this.#descriptor.createType(JSON.parse(text))
        } catch (error) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `writer schema id ${schemaId} cannot be parsed: ${(error as Error).message}`,
            { cause: error, details: { reason: 'bad-writer-schema', schemaId } },
          )
        }
        // Same schema: no resolver needed, and reading is faster without one.
        if (writer.equals(reader)) {
          this.#ready.set(schemaId, undefined)
          return undefined
        }
        try {
          const resolver = reader.createResolver(writer)
          this.#ready.set(schemaId, resolver)
          return resolver
        } catch (error) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `writer schema id ${schemaId} cannot be read as ${this.#descriptor.fullName ?? 'the reader schema'}: ${(error as Error).message}`,
            { cause: error, details: { reason: 'incompatible-writer', schemaId } },
          )
        }
      })
      p.catch(() => this.#resolvers.delete(schemaId))
      this.#resolvers.set(schemaId, p)
    }
    return p
  }
}
