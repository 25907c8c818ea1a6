import type { AvroSerdeDescriptor } from '@kafkit/common'
import type { Resolver, Type } from 'avsc'
import { ClientError } from '../errors'
import type { SchemaRegistry } from './registry'
import { frameGuid, HEADER_SIZE, MAGIC_BYTE, type SchemaRef, unframe, unframeAny } from './wire-format'

/**
 * Caches schema text by id per registry, so each writer schema is fetched once per process. The
 * cache holds promises, so concurrent decodes of the same new id share one request.
 */
export class SchemaCache {
  readonly #registry: SchemaRegistry
  readonly #byId = new Map<number, Promise<string>>()
  readonly #byGuid = new Map<string, Promise<string>>()

  constructor(registry: SchemaRegistry) {
    this.#registry = registry
  }

  get registry(): SchemaRegistry {
    return this.#registry
  }

  schemaText(id: number): Promise<string> {
    let p = this.#byId.get(id)
    if (p === undefined) {
      p = this.#fetch(`id ${id}`, { schemaId: id }, () => this.#registry.getSchemaById(id))
      // A failed lookup is not cached: the registry may come back, or the id may appear later.
      p.catch(() => this.#byId.delete(id))
      this.#byId.set(id, p)
    }
    return p
  }

  /** The schema text for a Confluent 8 schema GUID (GET /schemas/guids/{guid}). */
  schemaTextByGuid(guid: string): Promise<string> {
    let p = this.#byGuid.get(guid)
    if (p === undefined) {
      const registry = this.#registry
      p = this.#fetch(`GUID ${guid}`, { guid }, () => {
        if (registry.getSchemaByGuid === undefined) {
          throw new Error(
            'this SchemaRegistry has no getSchemaByGuid; use RegistryClient from @kafkit/registry or add the method',
          )
        }
        return registry.getSchemaByGuid(guid)
      })
      p.catch(() => this.#byGuid.delete(guid))
      this.#byGuid.set(guid, p)
    }
    return p
  }

  /** The writer schema a record names, by id or by GUID. */
  schemaTextOf(ref: SchemaRef): Promise<string> {
    return ref.guid !== undefined ? this.schemaTextByGuid(ref.guid) : this.schemaText(ref.schemaId)
  }

  #fetch(
    what: string,
    details: Record<string, unknown>,
    get: () => Promise<{ schema: string; schemaType?: string | undefined }>,
  ): Promise<string> {
    return Promise.resolve()
      .then(get)
      .then(
        (r) => {
          if (r.schemaType !== undefined && r.schemaType !== 'AVRO') {
            throw new ClientError(
              'KAFKIT_CLIENT_DECODE_FAILED',
              `schema ${what} is a ${r.schemaType} schema; only Avro is supported`,
              { details: { reason: 'not-avro', ...details, schemaType: r.schemaType } },
            )
          }
          return r.schema
        },
        (error: unknown) => {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `could not fetch writer schema ${what} from the registry: ${(error as Error).message}`,
            {
              cause: error,
              details: { reason: details.guid ? 'unknown-schema-guid' : 'unknown-schema-id', ...details },
            },
          )
        },
      )
  }
}

/** Encodes a value already known valid for `type` and frames it with the schema id. */
export function encodeAvro(type: Type, schemaId: number, value: unknown): Buffer {
  return writeHeader(encodeAvroFramable(type, value), schemaId)
}

// avsc writes into this, then the exact bytes are copied out once: avsc's own `toBuffer` would copy
// from its pool, and framing would copy again. Grown on demand; a record larger than the cap is
// written into a one-off buffer so one huge record does not pin memory for the process's life.
const SCRATCH_KEEP = 1 << 20
let scratch = Buffer.allocUnsafe(64 * 1024)

/**
 * Encodes `value` into a fresh buffer with room for the 5-byte wire-format header in front (filled in
 * by `writeHeader` once the schema id is known). One allocation per record.
 */
export function encodeAvroFramable(type: Type, value: unknown): Buffer {
  try {
    let buf = scratch
    let end = type.encode(value, buf, HEADER_SIZE)
    if (end < 0) {
      // Too small: avsc answers how many bytes were missing.
      buf = Buffer.allocUnsafe(buf.length - end)
      end = type.encode(value, buf, HEADER_SIZE)
      if (buf.length <= SCRATCH_KEEP) scratch = buf
    }
    const out = Buffer.allocUnsafe(end)
    buf.copy(out, HEADER_SIZE, HEADER_SIZE, end)
    return out
  } catch (error) {
    throw new ClientError(
      'KAFKIT_CLIENT_ENCODE_FAILED',
      `value cannot be encoded with schema ${type.name ?? type.typeName}: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/** Writes the wire-format header into the room `encodeAvroFramable` left; returns the same buffer. */
export function writeHeader(framable: Buffer, schemaId: number): Buffer {
  framable[0] = MAGIC_BYTE
  framable.writeInt32BE(schemaId, 1)
  return framable
}

/** The bare Avro binary of a value already known valid for `type` (the header form's record value). */
export function encodeAvroPayload(type: Type, value: unknown): Buffer {
  return encodeAvroFramable(type, value).subarray(HEADER_SIZE)
}

/** Encodes a value and frames it with Confluent 8's GUID prefix (magic byte 1 and the 16-byte GUID). */
export function encodeAvroWithGuid(type: Type, guid: string, value: unknown): Buffer {
  return frameGuid(guid, encodeAvroPayload(type, value))
}

/** What a decoder read: the value and the schema it was written with (an id, or a GUID). */
export type AvroDecoded<Out> =
  | { value: Out; schemaId: number; guid?: undefined }
  | { value: Out; guid: string; schemaId?: undefined }

/**
 * Decodes Confluent-framed Avro into a descriptor's reader type: the writer schema comes from the
 * registry by id and is resolved against the reader (`reader.createResolver(writer)`), so data from
 * an older or newer compatible writer arrives in the reader's shape. Resolvers are cached per id.
 */
export class AvroDecoder<Out = unknown> {
  readonly #descriptor: AvroSerdeDescriptor<Out, unknown>
  readonly #cache: SchemaCache
  /** By schema id (number) or GUID (string). */
  readonly #resolvers = new Map<number | string, Promise<Resolver | undefined>>()
  /** Resolvers that are settled, for the synchronous path (undefined: writer equals reader). */
  readonly #ready = new Map<number | string, Resolver | undefined>()

  constructor(descriptor: AvroSerdeDescriptor<Out, unknown>, cache: SchemaCache) {
    this.#descriptor = descriptor
    this.#cache = cache
  }

  /**
   * Decodes any of Confluent's formats: schema id prefix (magic 0), GUID prefix (magic 1), or, when the
   * record's `__value_schema_id` / `__key_schema_id` header is passed as `schemaIdHeader`, the bare payload.
   */
  async decode(data: Buffer): Promise<{ value: Out; schemaId: number }>
  async decode(data: Buffer, schemaIdHeader: Buffer | string | null | undefined): Promise<AvroDecoded<Out>>
  async decode(data: Buffer, schemaIdHeader?: Buffer | string | null): Promise<AvroDecoded<Out>> {
    if ((schemaIdHeader === undefined || schemaIdHeader === null) && data[0] === 0) {
      const { schemaId, payload } = unframe(data)
      const resolver = this.#ready.has(schemaId)
        ? this.#ready.get(schemaId)
        : await this.#resolver({ schemaId })
      return this.#read(payload, { schemaId }, resolver)
    }
    const { ref, payload } = unframeAny(data, schemaIdHeader)
    const key = ref.guid ?? ref.schemaId
    const resolver = this.#ready.has(key) ? this.#ready.get(key) : await this.#resolver(ref)
    return this.#read(payload, ref, resolver)
  }

  /**
   * Synchronous fast path for the consumer's hot loop: decodes when the writer schema of `data` is
   * already resolved, and returns undefined (nothing decoded) when it still has to be fetched.
   */
  decodeCached(data: Buffer): { value: Out; schemaId: number } | undefined
  decodeCached(data: Buffer, schemaIdHeader: Buffer | string | null | undefined): AvroDecoded<Out> | undefined
  decodeCached(data: Buffer, schemaIdHeader?: Buffer | string | null): AvroDecoded<Out> | undefined {
    if ((schemaIdHeader === undefined || schemaIdHeader === null) && data[0] === 0) {
      const { schemaId, payload } = unframe(data)
      if (!this.#ready.has(schemaId)) return undefined
      return this.#read(payload, { schemaId }, this.#ready.get(schemaId))
    }
    const { ref, payload } = unframeAny(data, schemaIdHeader)
    const key = ref.guid ?? ref.schemaId
    if (!this.#ready.has(key)) return undefined
    return this.#read(payload, ref, this.#ready.get(key))
  }

  #read(payload: Buffer, ref: SchemaRef, resolver: Resolver | undefined): AvroDecoded<Out> {
    const what = ref.guid !== undefined ? `GUID ${ref.guid}` : `id ${ref.schemaId}`
    const reader = this.#descriptor.type
    try {
      // `noCheck` false: trailing bytes mean the payload was not what the id says.
      const value = (
        resolver === undefined ? reader.fromBuffer(payload) : reader.fromBuffer(payload, resolver)
      ) as Out
      return ref.guid !== undefined ? { value, guid: ref.guid } : { value, schemaId: ref.schemaId }
    } catch (error) {
      throw new ClientError(
        'KAFKIT_CLIENT_DECODE_FAILED',
        `payload does not decode with writer schema ${what}: ${(error as Error).message}`,
        { cause: error, details: { reason: 'bad-payload', ...ref } },
      )
    }
  }

  #resolver(ref: SchemaRef): Promise<Resolver | undefined> {
    const key = ref.guid ?? ref.schemaId
    const schemaId = ref.guid !== undefined ? `GUID ${ref.guid}` : `id ${ref.schemaId}`
    let p = this.#resolvers.get(key)
    if (p === undefined) {
      p = this.#cache.schemaTextOf(ref).then((text) => {
        const reader = this.#descriptor.type
        let writer: Type
        try {
          writer = this.#descriptor.createType(JSON.parse(text))
        } catch (error) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `writer schema ${schemaId} cannot be parsed: ${(error as Error).message}`,
            { cause: error, details: { reason: 'bad-writer-schema', ...ref } },
          )
        }
        // Same schema: no resolver needed, and reading is faster without one.
        if (writer.equals(reader)) {
          this.#ready.set(key, undefined)
          return undefined
        }
        try {
          const resolver = reader.createResolver(writer)
          this.#ready.set(key, resolver)
          return resolver
        } catch (error) {
          throw new ClientError(
            'KAFKIT_CLIENT_DECODE_FAILED',
            `writer schema ${schemaId} cannot be read as ${this.#descriptor.fullName ?? 'the reader schema'}: ${(error as Error).message}`,
            { cause: error, details: { reason: 'incompatible-writer', ...ref } },
          )
        }
      })
      p.catch(() => this.#resolvers.delete(key))
      this.#resolvers.set(key, p)
    }
    return p
  }
}
