import type { AvroSerdeDescriptor } from '@kafkit/common'
import type { Type } from 'avsc'
import { ClientError } from '../errors'
import { type Reader, readerOf, resolvingReader } from './avro-reader'
import { readValue, writeValue } from './avro-tap'
import { writerOf } from './avro-writer'
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

// Records are written straight into a pooled slab and handed out as views of it, as
// Buffer.allocUnsafe does with Node's 8 KB pool: no copy, no allocation but the view. A record that
// does not fit in what is left of the slab is written again into a fresh one; one larger than half
// a slab gets a buffer of its own, so a huge record neither pins a slab nor wastes one.
const SLAB_SIZE = 64 * 1024
// Empty until the first record (which then does not fit), so a process that never encodes holds none.
let slab = Buffer.alloc(0)
let slabUsed = 0

/**
 * Encodes `value` with room for the 5-byte wire-format header in front (filled in by `writeHeader`
 * once the schema id is known). Like Buffer.allocUnsafe's, the result may share its ArrayBuffer.
 */
export function encodeAvroFramable(type: Type, value: unknown): Buffer {
  try {
    const write = writerOf(type)
    const start = slabUsed
    let end = writeValue(write, value, slab, start + HEADER_SIZE)
    if (end <= slab.length) return takeSlab(start, end)
    // It did not fit: `end` says how large it is.
    const size = end - start
    if (size > SLAB_SIZE / 2) {
      const own = Buffer.allocUnsafeSlow(size)
      writeValue(write, value, own, HEADER_SIZE)
      return own
    }
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE)
    slabUsed = 0
    end = writeValue(write, value, slab, HEADER_SIZE)
    return takeSlab(0, end)
  } catch (error) {
    throw new ClientError(
      'KAFKIT_CLIENT_ENCODE_FAILED',
      `value cannot be encoded with schema ${type.name ?? type.typeName}: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

function takeSlab(start: number, end: number): Buffer {
  // The next record starts 8-byte aligned, as Node's pool does.
  slabUsed = (end + 7) & ~7
  return slab.subarray(start, end)
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
  readonly #resolvers = new Map<number | string, Promise<Reader>>()
  /** Readers that are settled, for the synchronous path: compiled, or through avsc's resolver. */
  readonly #ready = new Map<number | string, Reader>()

  constructor(descriptor: AvroSerdeDescriptor<Out, unknown>, cache: SchemaCache) {
    this.#descriptor = descriptor
    this.#cache = cache
  }

  /**
   * Decodes any of Confluent's formats: schema id prefix (magic 0), GUID prefix (magic 1), or, when the
   * record's `__value_schema_id` / `__key_schema_id` header is passed as `schemaIdHeader`, the bare payload.
   */
  decode(data: Buffer): Promise<{ value: Out; schemaId: number }>
  decode(data: Buffer, schemaIdHeader: Buffer | string | null | undefined): Promise<AvroDecoded<Out>>
  decode(data: Buffer, schemaIdHeader?: Buffer | string | null): Promise<AvroDecoded<Out>> {
    // Not an async function: a record whose writer schema is resolved already costs one settled
    // promise, no suspended frame. Every failure is still a rejection.
    try {
      const decoded = this.decodeCached(data, schemaIdHeader)
      if (decoded !== undefined) return Promise.resolve(decoded)
      // Not resolved yet (decodeCached has already refused data too short for its header).
      const { ref, payload } = unframeAny(data, schemaIdHeader)
      return this.#reader(ref).then((read) => this.#decoded(read, payload, ref))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Synchronous fast path for the consumer's hot loop: decodes when the writer schema of `data` is
   * already resolved, and returns undefined (nothing decoded) when it still has to be fetched.
   */
  decodeCached(data: Buffer): { value: Out; schemaId: number } | undefined
  decodeCached(data: Buffer, schemaIdHeader: Buffer | string | null | undefined): AvroDecoded<Out> | undefined
  decodeCached(data: Buffer, schemaIdHeader?: Buffer | string | null): AvroDecoded<Out> | undefined {
    if ((schemaIdHeader === undefined || schemaIdHeader === null) && data[0] === MAGIC_BYTE) {
      if (data.length < HEADER_SIZE) unframe(data)
      const schemaId = data.readInt32BE(1)
      const read = this.#ready.get(schemaId)
      if (read === undefined) return undefined
      return { value: this.#read(read, data, HEADER_SIZE, schemaId), schemaId }
    }
    const { ref, payload } = unframeAny(data, schemaIdHeader)
    const read = this.#ready.get(ref.guid ?? ref.schemaId)
    if (read === undefined) return undefined
    return this.#decoded(read, payload, ref)
  }

  #decoded(read: Reader, payload: Buffer, ref: SchemaRef): AvroDecoded<Out> {
    const value = this.#read(read, payload, 0, ref.guid ?? ref.schemaId)
    return ref.guid !== undefined ? { value, guid: ref.guid } : { value, schemaId: ref.schemaId }
  }

  /** The value written from `pos` to the end of `data` (trailing bytes mean the id was wrong). */
  #read(read: Reader, data: Buffer, pos: number, ref: number | string): Out {
    try {
      return readValue(read, data, pos) as Out
    } catch (error) {
      const what = typeof ref === 'string' ? `GUID ${ref}` : `id ${ref}`
      throw new ClientError(
        'KAFKIT_CLIENT_DECODE_FAILED',
        `payload does not decode with writer schema ${what}: ${(error as Error).message}`,
        {
          cause: error,
          details: {
            reason: 'bad-payload',
            ...(typeof ref === 'string' ? { guid: ref } : { schemaId: ref }),
          },
        },
      )
    }
  }

  #reader(ref: SchemaRef): Promise<Reader> {
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
          const read = readerOf(reader)
          this.#ready.set(key, read)
          return read
        }
        try {
          const read = resolvingReader(reader.createResolver(writer))
          this.#ready.set(key, read)
          return read
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
