import type { AvroSerdeDescriptor } from '@kafkit/common'
import { parseCompatibilityMessages } from '@kafkit/registry-client'
import type { Resolver, Type } from 'avsc'
import { ClientError, SchemaRefusedError } from '../errors'
import { schemaText } from '../serdes/json-schema-text'
import { isNotFound, type SchemaRegistry } from '../serdes/registry'

/** What the producer encodes with once the guard has let a subject through. */
export interface WriterSchema {
  readonly subject: string
  readonly schemaId: number
  readonly version: number | undefined
  /** The schema's GUID, when the registry answers one (Confluent 8 API). */
  readonly guid: string | undefined
  /**
   * With `useLatest` and a latest version that differs from the descriptor's schema, values are
   * written with the latest schema: encoded with ours, then resolved into the latest.
   */
  readonly convert: ((encodedWithOurs: Buffer) => Buffer) | undefined
}

export interface GuardOptions {
  readonly autoRegister: boolean
  readonly useLatest: boolean
}

/**
 * The publish guard: before the first send on a subject, check the descriptor's schema with the
 * registry. It only reads subject config, never changes it; successes are cached (failures are
 * not, so a fixed registry lets the next send through).
 */
export class PublishGuard {
  readonly #registry: SchemaRegistry
  readonly #options: GuardOptions
  readonly #cache = new Map<string, Promise<WriterSchema>>()

  constructor(registry: SchemaRegistry, options: GuardOptions) {
    this.#registry = registry
    this.#options = options
  }

  check(subject: string, serde: AvroSerdeDescriptor<unknown, unknown>): Promise<WriterSchema> {
    const text = schemaText(serde.schema)
    const key = `${subject}\u0000${text}`
    let p = this.#cache.get(key)
    if (p === undefined) {
      p = this.#check(subject, serde, text)
      p.catch(() => this.#cache.delete(key))
      this.#cache.set(key, p)
    }
    return p
  }

  async #check(
    subject: string,
    serde: AvroSerdeDescriptor<unknown, unknown>,
    text: string,
  ): Promise<WriterSchema> {
    const schema = { schema: text, schemaType: 'AVRO' as const }
    const registered = await this.#call(subject, () => this.#registry.lookup(subject, schema), true)
    if (registered !== undefined) {
      return {
        subject,
        schemaId: registered.id,
        version: registered.version,
        guid: registered.guid,
        convert: undefined,
      }
    }
    const { autoRegister, useLatest } = this.#options
    if (!autoRegister && useLatest) return this.#latest(subject, serde)
    if (!autoRegister) {
      throw await this.#refuse(
        subject,
        'not-registered',
        [
          'the schema is not registered under this subject and autoRegister is false: register it first (e.g. in CI with `kafkit registry register`), or use useLatest to write with the latest compatible version',
        ],
        text,
      )
    }
    const compat = await this.#call(subject, () => this.#registry.testCompatibility(subject, schema), true)
    // No subject yet (404): anything is compatible.
    if (compat !== undefined && !compat.isCompatible) {
      throw await this.#refuse(subject, 'incompatible', compat.messages ?? [], text)
    }
    let id: number
    let guid: string | undefined
    try {
      ;({ id, guid } = await this.#registry.register(subject, schema))
    } catch (error) {
      // 409: another version became latest since the compatibility test and this one does not fit it.
      const status =
        (error as { httpStatus?: unknown; status?: unknown }).httpStatus ??
        (error as { status?: unknown }).status
      if (status === 409) throw await this.#refuse(subject, 'incompatible', [(error as Error).message], text)
      ;({ id, guid } = await this.#call(subject, () => Promise.reject(error), false))
    }
    // register() does not return the version; a lookup gets it for the record metadata.
    return { subject, schemaId: id, version: undefined, guid, convert: undefined }
  }

  async #latest(subject: string, serde: AvroSerdeDescriptor<unknown, unknown>): Promise<WriterSchema> {
    const text = schemaText(serde.schema)
    const latest = await this.#call(subject, () => this.#registry.getVersion(subject, 'latest'), true)
    if (latest === undefined) {
      throw await this.#refuse(
        subject,
        'not-registered',
        ['the subject has no registered version, and useLatest needs one to write with'],
        text,
      )
    }
    const compat = await this.#call(
      subject,
      () =>
        this.#registry.testCompatibility(
          subject,
          { schema: text, schemaType: 'AVRO' },
          { version: 'latest' },
        ),
      false,
    )
    if (!compat.isCompatible)
      throw await this.#refuse(subject, 'incompatible-with-latest', compat.messages ?? [], text)
    const ours = serde.type
    let latestType: Type
    let resolver: Resolver
    try {
      latestType = serde.createType(JSON.parse(latest.schema))
      if (latestType.equals(ours)) {
        return {
          subject,
          schemaId: latest.id,
          version: latest.version,
          guid: latest.guid,
          convert: undefined,
        }
      }
      resolver = latestType.createResolver(ours)
    } catch (error) {
      throw await this.#refuse(
        subject,
        'incompatible-with-latest',
        [
          `the latest version (id ${latest.id}) cannot represent values of this schema: ${(error as Error).message}`,
        ],
        text,
      )
    }
    const lt = latestType
    const r = resolver
    return {
      subject,
      schemaId: latest.id,
      version: latest.version,
      guid: latest.guid,
      convert: (encoded) => lt.toBuffer(lt.fromBuffer(encoded, r)),
    }
  }

  async #refuse(
    subject: string,
    reason: string,
    messages: readonly string[],
    _schema: string,
  ): Promise<SchemaRefusedError> {
    const parsed = parseCompatibilityMessages(messages)
    let level = parsed.level ?? 'unknown'
    if (parsed.level === undefined) {
      try {
        level = (await this.#registry.getConfig(subject, { defaultToGlobal: true })).compatibilityLevel
      } catch {
        try {
          level = (await this.#registry.getConfig()).compatibilityLevel
        } catch {
          // The level only makes the message better; the refusal stands without it.
        }
      }
    }
    const mode = this.#options.autoRegister
      ? 'autoRegister'
      : this.#options.useLatest
        ? 'useLatest'
        : 'strict'
    const reasons =
      reason === 'not-registered'
        ? messages.map((message) => ({
            type: 'NOT_REGISTERED',
            path: undefined,
            message,
            hint: 'register the schema first (e.g. in CI), set autoRegister: true, or useLatest: true',
          }))
        : parsed.reasons
    return new SchemaRefusedError({ subject, version: parsed.version, level, reason, mode, reasons })
  }

  async #call<T>(subject: string, fn: () => Promise<T>, notFoundIsUndefined: true): Promise<T | undefined>
  async #call<T>(subject: string, fn: () => Promise<T>, notFoundIsUndefined: false): Promise<T>
  async #call<T>(
    subject: string,
    fn: () => Promise<T>,
    notFoundIsUndefined: boolean,
  ): Promise<T | undefined> {
    try {
      return await fn()
    } catch (error) {
      if (notFoundIsUndefined && isNotFound(error)) return undefined
      if (error instanceof ClientError) throw error
      const e = error as { code?: string; message?: string; canRetry?: boolean }
      throw new ClientError(
        'KAFKIT_CLIENT_REGISTRY_UNAVAILABLE',
        `schema registry request for subject '${subject}' failed: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`,
        { cause: error, details: { subject }, canRetry: e.canRetry ?? true },
      )
    }
  }
}
