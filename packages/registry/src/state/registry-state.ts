import { isKafkitError } from '@kafkit/common'
import { type CompatibilityLevel, checkCompatibility, confluentTrailer } from '../compatibility'
import { RegistryApiError } from '../errors'
import { type ParsedAvroSchema, parseAvroSchema } from '../schema'
import type {
  LogRecord,
  RegistryCommand,
  RegistryMode,
  SchemaReference,
  SchemaView,
  SubjectVersionView,
} from './types'

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD'
export const DEFAULT_MODE: RegistryMode = 'READWRITE'
const MAX_VERSION = 2 ** 31 - 1

interface StoredSchema {
  readonly id: number
  readonly schemaType: string
  /** The text we answer with: Avro canonical form, or the normalized form when registered with normalize. */
  readonly schema: string
  readonly references: readonly SchemaReference[]
  readonly parsed: ParsedAvroSchema
}

interface VersionEntry {
  readonly version: number
  readonly id: number
  deleted: boolean
}

export type ApplyResult = { ok: true; value: unknown } | { ok: false; error: RegistryApiError }

/** How many recent proposals keep their answer, for retries that arrive after the first copy was applied. */
const KEPT_RESULTS = 10_000

export interface CompatibilityAnswer {
  isCompatible: boolean
  messages: string[]
}

const api = (code: ConstructorParameters<typeof RegistryApiError>[0], message: string, details?: object) =>
  new RegistryApiError(code, message, details ? { details: { ...details } } : {})

export function subjectNotFound(subject: string): RegistryApiError {
  return api('KAFKIT_REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`, { subject })
}

export function versionNotFound(version: number | string): RegistryApiError {
  return api('KAFKIT_REGISTRY_VERSION_NOT_FOUND', `Version ${version} not found.`, { version })
}

export function schemaNotFound(id?: number): RegistryApiError {
  return api(
    'KAFKIT_REGISTRY_SCHEMA_NOT_FOUND',
    id === undefined ? 'Schema not found' : `Schema ${id} not found`,
  )
}

/** Confluent accepts any subject that is non-empty and has no ISO control characters. */
export function validateSubject(subject: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (subject.length === 0 || subject.length > 255 || /[\u0000-\u001f\u007f-\u009f]/.test(subject)) {
    throw api(
      'KAFKIT_REGISTRY_INVALID_SUBJECT',
      `The specified subject '${subject.slice(0, 300)}' is not valid: it must be 1 to 255 characters without control characters.`,
      { subject },
    )
  }
}

/** Parses a version path segment: a number in [1, 2^31-1], `latest` or `-1`. */
export function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest'
  if (/^[0-9]{1,10}$/.test(text)) {
    const n = Number(text)
    if (n >= 1 && n <= MAX_VERSION) return n
  }
  throw api(
    'KAFKIT_REGISTRY_INVALID_VERSION',
    `The specified version '${text.slice(0, 100)}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    { version: text.slice(0, 100) },
  )
}

function schemaKey(schemaType: string, schema: string, references: readonly SchemaReference[]): string {
  return `${schemaType}\u0000${schema}\u0000${JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))}`
}

/**
 * The registry state machine. `apply` takes log records in order and is deterministic: the same
 * log gives the same ids, versions and errors on every instance. Reads never change state.
 */
export class RegistryState {
  #schemas = new Map<number, StoredSchema>()
  #idByKey = new Map<string, number>()
  #subjects = new Map<string, VersionEntry[]>()
  #config = new Map<string, CompatibilityLevel>()
  #modes = new Map<string, RegistryMode>()
  #globalConfig: CompatibilityLevel = DEFAULT_COMPATIBILITY
  #globalMode: RegistryMode = DEFAULT_MODE
  #maxId = 0
  #applied = 0
  /** Offset of the next log record to apply: a record below it was applied already (or skipped) here. */
  #nextOffset = 0
  /** Every proposal applied so far: a second copy of one (a retried append) changes nothing. */
  #proposals = new Set<string>()
  /** schemaKey of every stored schema's canonical form (stored schemas are never removed). */
  #canonicalKeys = new Set<string>()
  /** Answers of the most recent proposals. */
  #results = new Map<string, ApplyResult>()
  #resultRing: Array<string | undefined> = []
  #resultCursor = 0
  /** Set while `check` runs: every write stops right before its first mutation. */
  #dry = false
  /** How many versions (soft-deleted included) hold each id: an id with none is gone. */
  #idUses = new Map<number, number>()

  #use(id: number, delta: number): void {
    const n = (this.#idUses.get(id) ?? 0) + delta
    if (n > 0) this.#idUses.set(id, n)
    else this.#idUses.delete(id)
  }

  /** Highest schema id handed out so far. */
  get maxId(): number {
    return this.#maxId
  }

  /** Number of records applied so far. */
  get appliedCount(): number {
    return this.#applied
  }

  /** Offset of the next log record this state will apply; lower offsets are ignored by `applyAt`. */
  get nextOffset(): number {
    return this.#nextOffset
  }

  /** Whether a proposal with this id is in the applied history. */
  hasApplied(proposalId: string): boolean {
    return this.#proposals.has(proposalId)
  }

  /**
   * The answer a proposal got when it was applied, while it is among the last 10,000 (a proposal that
   * is older still counts as applied, but its answer is gone).
   */
  resultOf(proposalId: string): ApplyResult | undefined {
    if (this.#results.has(proposalId)) return this.#results.get(proposalId)
    if (!this.#proposals.has(proposalId)) return undefined
    return {
      ok: false,
      error: api(
        'KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED',
        'This request was applied long ago and its answer is no longer kept; read the current state instead of retrying',
      ),
    }
  }

  /**
   * Applies the record found at `offset` of the log, at most once per offset: a record below
   * `nextOffset` (redelivered after a consumer rejoin, say) is ignored and answers undefined.
   * Offsets may have gaps (compaction, transaction markers) but never go back.
   */
  applyAt(offset: number, record: LogRecord): ApplyResult | undefined {
    if (!Number.isSafeInteger(offset) || offset < this.#nextOffset) return undefined
    this.#nextOffset = offset + 1
    return this.apply(record)
  }

  /**
   * Runs every check `apply` would run for the command, without changing anything: throws the
   * error `apply` would answer with. Lets a server refuse doomed writes before they reach the log.
   */
  check(command: RegistryCommand): void {
    this.#dry = true
    try {
      this.#run(command)
    } finally {
      this.#dry = false
    }
  }

  /**
   * Applies one record in log order. A proposal id seen before is a duplicate (a retried append):
   * it changes nothing and answers with the first copy's result.
   */
  apply(record: LogRecord): ApplyResult {
    const seen = this.resultOf(record.proposalId)
    if (seen !== undefined) return seen
    this.#applied++
    const result = this.#applyOnce(record)
    this.#proposals.add(record.proposalId)
    // A ring of the last KEPT_RESULTS ids (iterating a Map from its front after many deletes is slow).
    const evicted = this.#resultRing[this.#resultCursor]
    if (evicted !== undefined) this.#results.delete(evicted)
    this.#resultRing[this.#resultCursor] = record.proposalId
    this.#resultCursor = (this.#resultCursor + 1) % KEPT_RESULTS
    this.#results.set(record.proposalId, result)
    return result
  }

  #applyOnce(record: LogRecord): ApplyResult {
    try {
      return { ok: true, value: this.#run(record.command) }
    } catch (error) {
      if (error instanceof RegistryApiError) return { ok: false, error }
      if (isKafkitError(error, 'KAFKIT_REGISTRY_INVALID_SCHEMA')) {
        return {
          ok: false,
          error: new RegistryApiError('KAFKIT_REGISTRY_INVALID_SCHEMA', `Invalid schema: ${error.message}`, {
            cause: error,
            details: error.details,
          }),
        }
      }
      // A schema the parser or checker chokes on is still the client's input: 42201, not a 5xx.
      const register = (record.command as { op?: unknown } | undefined)?.op === 'register'
      return {
        ok: false,
        error: register
          ? new RegistryApiError(
              'KAFKIT_REGISTRY_INVALID_SCHEMA',
              `Invalid schema: it could not be processed (${String(error)})`,
              {
                cause: error,
              },
            )
          : new RegistryApiError(
              'KAFKIT_REGISTRY_STORE_ERROR',
              `Applying a change failed: ${String(error)}`,
              {
                cause: error,
              },
            ),
      }
    }
  }

  #run(command: RegistryCommand): unknown {
    switch (command.op) {
      case 'register':
        return this.#register(command)
      case 'deleteVersion':
        return this.#deleteVersion(command.subject, command.version, command.permanent)
      case 'deleteSubject':
        return this.#deleteSubject(command.subject, command.permanent)
      case 'setConfig':
        if (command.subject !== null) validateSubject(command.subject)
        if (this.#dry) return undefined
        if (command.subject === null) this.#globalConfig = command.compatibility
        else {
          validateSubject(command.subject)
          this.#config.set(command.subject, command.compatibility)
        }
        return { compatibility: command.compatibility }
      case 'deleteConfig': {
        if (command.subject === null) {
          const previous = this.#globalConfig
          if (this.#dry) return undefined
          this.#globalConfig = DEFAULT_COMPATIBILITY
          return { compatibilityLevel: previous }
        }
        const previous = this.#config.get(command.subject)
        // Confluent answers 40401 when there is no subject-level config to delete.
        if (previous === undefined) throw subjectNotFound(command.subject)
        if (this.#dry) return undefined
        this.#config.delete(command.subject)
        return { compatibilityLevel: previous }
      }
      case 'setMode':
        return this.#setMode(command.subject, command.mode, command.force)
      case 'deleteMode': {
        const previous = this.#modes.get(command.subject)
        if (previous === undefined) throw subjectNotFound(command.subject)
        if (this.#dry) return undefined
        this.#modes.delete(command.subject)
        return { mode: previous }
      }
    }
  }

  // ---------------------------------------------------------------- writes

  #register(input: Extract<RegistryCommand, { op: 'register' }>): { id: number } {
    const command = { ...input, references: this.#concreteReferences(input.references) }
    const { subject, normalize } = command
    validateSubject(subject)
    const parsed = this.parse(command.schema, command.schemaType, command.references, { avscBackstop: false })
    const text = normalize ? parsed.normalized : parsed.canonical
    const key = schemaKey(command.schemaType, text, command.references)
    const versions = this.#subjects.get(subject) ?? []

    // Registering what the subject already has (live) answers with its id and changes nothing, in any
    // mode (as Confluent: producers that auto-register keep working against a READONLY registry).
    // A text no stored schema has cannot be in the subject: skip the scan (most registers in a replay).
    const existing =
      normalize ||
      this.#canonicalKeys.has(schemaKey(command.schemaType, parsed.canonical, command.references))
        ? this.#findInSubject(versions, parsed, command.schemaType, command.references, normalize, false)
        : undefined
    if (
      existing !== undefined &&
      command.version === undefined &&
      (command.id ?? existing.id) === existing.id
    ) {
      return { id: existing.id }
    }

    const mode = this.modeOf(subject)
    if (mode === 'READONLY') {
      throw api('KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED', `Subject ${subject} is in read-only mode`, {
        subject,
      })
    }
    const importing = command.id !== undefined || command.version !== undefined
    if (importing && mode !== 'IMPORT') {
      throw api(
        'KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED',
        `Subject ${subject} is not in import mode: an id or version can only be given in IMPORT mode`,
        { subject },
      )
    }
    if (!importing && mode !== 'READWRITE') {
      throw api(
        'KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED',
        `Subject ${subject} is not in read-write mode: in IMPORT mode give the schema's id`,
        { subject },
      )
    }

    let id = this.#idByKey.get(key)
    if (command.id !== undefined) {
      const holder = this.#schemas.get(command.id)
      // An import may give the same text a second id (as exported from another registry), never reuse an id.
      if (holder !== undefined && schemaKey(holder.schemaType, holder.schema, holder.references) !== key) {
        throw api(
          'KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED',
          `Overwrite new schema with id ${command.id} is not permitted.`,
        )
      }
      id = command.id
    }

    let version: number
    if (command.version !== undefined) {
      if (versions.some((v) => v.version === command.version)) {
        throw api(
          'KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED',
          `Overwrite of version ${command.version} of subject ${subject} is not permitted.`,
          { subject },
        )
      }
      version = command.version
    } else {
      // Versions are never reused while any version (soft-deleted included) remains; hard deletes free them.
      // The list is kept sorted by version, so the last one is the highest.
      version = (versions.at(-1)?.version ?? 0) + 1
    }

    if (mode !== 'IMPORT') {
      const level = this.compatibilityOf(subject)
      const messages = this.#check(
        parsed,
        versions.filter((v) => !v.deleted),
        level,
      )
      if (messages.length > 0) {
        throw api(
          'KAFKIT_REGISTRY_INCOMPATIBLE_SCHEMA',
          `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`,
          { subject, level, messages },
        )
      }
    }

    // Every check passed: mutate.
    if (id === undefined) id = this.#maxId + 1
    if (this.#dry) return { id }
    if (!this.#schemas.has(id)) {
      this.#canonicalKeys.add(schemaKey(command.schemaType, parsed.canonical, command.references))
      this.#schemas.set(id, {
        id,
        schemaType: command.schemaType,
        schema: text,
        references: command.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version })),
        parsed,
      })
      if (!this.#idByKey.has(key)) this.#idByKey.set(key, id)
    }
    this.#maxId = Math.max(this.#maxId, id)
    this.#use(id, 1)
    const list = [...versions, { version, id, deleted: false }]
    // Only an imported version can land below the highest; a replay of a long log should not sort each time.
    if (version < (versions.at(-1)?.version ?? 0)) list.sort((a, b) => a.version - b.version)
    this.#subjects.set(subject, list)
    return { id }
  }

  #deleteVersion(subject: string, versionSpec: number | 'latest', permanent: boolean): number {
    const versions = this.#subjects.get(subject)
    if (versions === undefined || (!permanent && versions.every((v) => v.deleted)))
      throw subjectNotFound(subject)
    this.#assertWritable(subject)
    const entry =
      versionSpec === 'latest'
        ? permanent
          ? versions[versions.length - 1]
          : versions.filter((v) => !v.deleted).at(-1)
        : versions.find((v) => v.version === versionSpec)
    if (entry === undefined) throw versionNotFound(versionSpec)
    if (permanent) {
      if (!entry.deleted) {
        throw api(
          'KAFKIT_REGISTRY_VERSION_NOT_SOFT_DELETED',
          `Subject '${subject}' Version ${entry.version} was not deleted first before being permanently deleted`,
          { subject, version: entry.version },
        )
      }
      this.#assertNotReferenced(subject, entry.version, true)
      if (this.#dry) return entry.version
      this.#use(entry.id, -1)
      const rest = versions.filter((v) => v !== entry)
      if (rest.length === 0) this.#subjects.delete(subject)
      else this.#subjects.set(subject, rest)
      return entry.version
    }
    if (entry.deleted) {
      throw api(
        'KAFKIT_REGISTRY_VERSION_SOFT_DELETED',
        `Subject '${subject}' Version ${entry.version} was soft deleted.Set permanent=true to delete permanently`,
        { subject, version: entry.version },
      )
    }
    this.#assertNotReferenced(subject, entry.version, false)
    if (this.#dry) return entry.version
    entry.deleted = true
    return entry.version
  }

  #deleteSubject(subject: string, permanent: boolean): number[] {
    const versions = this.#subjects.get(subject)
    if (versions === undefined) throw subjectNotFound(subject)
    this.#assertWritable(subject)
    const live = versions.filter((v) => !v.deleted)
    if (permanent) {
      if (live.length > 0) {
        throw api(
          'KAFKIT_REGISTRY_SUBJECT_NOT_SOFT_DELETED',
          `Subject '${subject}' was not deleted first before being permanently deleted`,
          { subject },
        )
      }
      for (const v of versions) this.#assertNotReferenced(subject, v.version, true)
      if (this.#dry) return versions.map((v) => v.version)
      for (const v of versions) this.#use(v.id, -1)
      this.#subjects.delete(subject)
      // Only a hard delete drops the subject's own config and mode (as Confluent does).
      this.#config.delete(subject)
      this.#modes.delete(subject)
      return versions.map((v) => v.version)
    }
    if (live.length === 0) {
      throw api(
        'KAFKIT_REGISTRY_SUBJECT_SOFT_DELETED',
        `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
        { subject },
      )
    }
    for (const v of live) this.#assertNotReferenced(subject, v.version, false)
    if (this.#dry) return live.map((v) => v.version)
    for (const v of live) v.deleted = true
    return live.map((v) => v.version)
  }

  #setMode(subject: string | null, mode: RegistryMode, force: boolean): { mode: RegistryMode } {
    if (subject !== null) validateSubject(subject)
    if (mode === 'IMPORT' && !force) {
      const nonEmpty =
        subject === null
          ? [...this.#subjects.values()].some((vs) => vs.some((v) => !v.deleted))
          : (this.#subjects.get(subject) ?? []).some((v) => !v.deleted)
      if (nonEmpty) {
        throw api(
          'KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED',
          'Cannot import since found existing subjects; set force=true to switch to IMPORT anyway',
        )
      }
    }
    if (this.#dry) return { mode }
    if (subject === null) this.#globalMode = mode
    else this.#modes.set(subject, mode)
    return { mode }
  }

  #assertWritable(subject: string): void {
    if (this.modeOf(subject) === 'READONLY') {
      throw api('KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED', `Subject ${subject} is in read-only mode`, {
        subject,
      })
    }
  }

  /** Soft deletes are blocked by live referrers; hard deletes by any (a soft-deleted referrer stays readable by id). */
  #assertNotReferenced(subject: string, version: number, permanent: boolean): void {
    const by = this.referencedBy(subject, version, permanent)
    if (by.length > 0) {
      throw api(
        'KAFKIT_REGISTRY_REFERENCE_EXISTS',
        `One or more references exist to the schema {subject=${subject},version=${version}}: schema ids ${by.join(', ')}`,
        { subject, version, referencedBy: by },
      )
    }
  }

  // ---------------------------------------------------------------- parsing and lookup

  /** A reference to version -1 means the referenced subject's latest version: pin it, so keys and referencedby match. */
  #concreteReferences(references: readonly SchemaReference[]): SchemaReference[] {
    return references.map((r) => {
      if (r.version !== -1) return r
      const latest = this.#resolveVersion(r.subject, 'latest', false)
      return latest === undefined ? r : { ...r, version: latest.version }
    })
  }

  /**
   * Parses a schema with its references resolved (transitively) from this state. Applying a register
   * skips the avsc backstop (`avscBackstop: false`): the HTTP layer ran it before proposing, so the
   * outcome is the same on every instance, and a replay does not pay for avsc's code generation.
   */
  parse(
    schema: string,
    schemaType: string,
    references: readonly SchemaReference[],
    options: { avscBackstop?: boolean } = {},
  ): ParsedAvroSchema {
    if (schemaType !== 'AVRO') {
      throw api(
        'KAFKIT_REGISTRY_INVALID_SCHEMA',
        `Invalid schema: schema type ${schemaType} is not supported; use AVRO`,
        {
          schemaType,
        },
      )
    }
    const resolved: Array<{ name: string; subject: string; version: number; schema: string }> = []
    const seen = new Set<string>()
    const visit = (refs: readonly SchemaReference[], depth: number) => {
      if (depth > 32)
        throw api('KAFKIT_REGISTRY_INVALID_SCHEMA', 'Invalid schema: references nest too deeply')
      for (const ref of refs) {
        const key = `${ref.subject}\u0000${ref.version}`
        if (seen.has(key)) continue
        seen.add(key)
        const entry = this.#resolveVersion(ref.subject, ref.version === -1 ? 'latest' : ref.version, true)
        const stored = entry === undefined ? undefined : this.#schemas.get(entry.id)
        if (entry === undefined || stored === undefined) {
          throw api(
            'KAFKIT_REGISTRY_INVALID_SCHEMA',
            `Invalid schema: reference '${ref.name}' points at subject '${ref.subject}' version ${ref.version}, which does not exist; register it first`,
            { reference: ref },
          )
        }
        visit(stored.references, depth + 1) // dependencies first
        resolved.push({ name: ref.name, subject: ref.subject, version: entry.version, schema: stored.schema })
      }
    }
    visit(references, 0)
    return parseAvroSchema(schema, { references: resolved, avscBackstop: options.avscBackstop ?? true })
  }

  #findInSubject(
    versions: readonly VersionEntry[],
    parsed: ParsedAvroSchema,
    schemaType: string,
    references: readonly SchemaReference[],
    normalize: boolean,
    includeDeleted: boolean,
  ): VersionEntry | undefined {
    const refs = JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))
    // Newest first, so a lookup answers with the latest version holding the schema.
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i] as VersionEntry
      if (v.deleted && !includeDeleted) continue
      const s = this.#schemas.get(v.id)
      if (s === undefined || s.schemaType !== schemaType) continue
      // The text first: comparing it is cheap and nearly always decides (a long replay does this per version).
      if (
        s.parsed.canonical !== parsed.canonical &&
        !(normalize && s.parsed.normalized === parsed.normalized)
      )
        continue
      if (JSON.stringify(s.references.map((r) => [r.name, r.subject, r.version])) === refs) return v
    }
    return undefined
  }

  #resolveVersion(
    subject: string,
    version: number | 'latest',
    includeDeleted: boolean,
  ): VersionEntry | undefined {
    const versions = this.#subjects.get(subject)
    if (versions === undefined) return undefined
    const visible = includeDeleted ? versions : versions.filter((v) => !v.deleted)
    return version === 'latest' ? visible.at(-1) : visible.find((v) => v.version === version)
  }

  /** Confluent's verbose messages (issues, then the failing version's trailer); empty when compatible. */
  #check(candidate: ParsedAvroSchema, live: readonly VersionEntry[], level: CompatibilityLevel): string[] {
    // A non-transitive level checks the latest version only (see checkCompatibility): look up just that one.
    const checked = level.endsWith('_TRANSITIVE') ? live : live.slice(-1)
    const entries = checked.flatMap((v) => {
      const stored = this.#schemas.get(v.id)
      return stored ? [{ version: v.version, parsed: stored.parsed }] : []
    })
    if (entries.length === 0 || level === 'NONE') return []
    const result = checkCompatibility(
      candidate,
      entries.map((e) => e.parsed),
      level,
    )
    if (result.compatible) return []
    const failed = entries[result.incompatibleWith ?? entries.length - 1]
    return [...result.messages, ...(failed ? confluentTrailer(failed.version, failed.parsed, level) : [])]
  }

  #noSubjectConfig(subject: string): RegistryApiError {
    return api(
      'KAFKIT_REGISTRY_SUBJECT_CONFIG_NOT_FOUND',
      `Subject '${subject}' does not have subject-level compatibility configured`,
      { subject },
    )
  }

  #noSubjectMode(subject: string): RegistryApiError {
    return api(
      'KAFKIT_REGISTRY_SUBJECT_MODE_NOT_FOUND',
      `Subject '${subject}' does not have subject-level mode configured`,
      {
        subject,
      },
    )
  }

  #view(subject: string, entry: VersionEntry): SubjectVersionView {
    const s = this.#schemas.get(entry.id)
    if (s === undefined) throw schemaNotFound(entry.id)
    return { subject, version: entry.version, id: entry.id, ...this.#schemaFields(s) }
  }

  #schemaFields(s: StoredSchema): SchemaView {
    // Confluent omits schemaType for AVRO and references when there are none.
    const out: SchemaView = { schema: s.schema }
    if (s.schemaType !== 'AVRO') out.schemaType = s.schemaType
    if (s.references.length > 0) out.references = s.references.map((r) => ({ ...r }))
    return out
  }

  // ---------------------------------------------------------------- reads

  compatibilityOf(subject: string | null): CompatibilityLevel {
    return (subject === null ? undefined : this.#config.get(subject)) ?? this.#globalConfig
  }

  modeOf(subject: string | null): RegistryMode {
    return (subject === null ? undefined : this.#modes.get(subject)) ?? this.#globalMode
  }

  getConfig(subject: string | null, defaultToGlobal: boolean): { compatibilityLevel: CompatibilityLevel } {
    if (subject === null) return { compatibilityLevel: this.#globalConfig }
    const level = this.#config.get(subject)
    if (level !== undefined) return { compatibilityLevel: level }
    if (defaultToGlobal) return { compatibilityLevel: this.#globalConfig }
    throw this.#noSubjectConfig(subject)
  }

  getMode(subject: string | null, defaultToGlobal: boolean): { mode: RegistryMode } {
    if (subject === null) return { mode: this.#globalMode }
    const mode = this.#modes.get(subject)
    if (mode !== undefined) return { mode }
    if (defaultToGlobal) return { mode: this.#globalMode }
    throw this.#noSubjectMode(subject)
  }

  /** Subjects with a live version; `deleted` adds soft-deleted ones, `deletedOnly` lists only those. */
  listSubjects(options: { deleted?: boolean; deletedOnly?: boolean; prefix?: string } = {}): string[] {
    const out: string[] = []
    for (const [subject, versions] of this.#subjects) {
      if (options.prefix && !subject.startsWith(options.prefix)) continue
      const live = versions.some((v) => !v.deleted)
      if (options.deletedOnly ? !live : options.deleted || live) out.push(subject)
    }
    return out.sort()
  }

  /** Live versions; `deleted` adds soft-deleted ones, `deletedOnly` lists only those. */
  listVersions(subject: string, deleted = false, deletedOnly = false): number[] {
    const versions = this.#subjects.get(subject) ?? []
    const visible = versions.filter((v) => (deletedOnly ? v.deleted : deleted || !v.deleted))
    if (visible.length === 0 && (deletedOnly ? versions.length === 0 : true)) throw subjectNotFound(subject)
    return visible.map((v) => v.version)
  }

  getVersion(subject: string, version: number | 'latest', deleted = false): SubjectVersionView {
    const versions = this.#subjects.get(subject)
    if (versions === undefined || (!deleted && versions.every((v) => v.deleted)))
      throw subjectNotFound(subject)
    const entry = this.#resolveVersion(subject, version, deleted)
    if (entry === undefined) throw versionNotFound(version === 'latest' ? 'latest' : version)
    return this.#view(subject, entry)
  }

  /** Ids of schemas that reference `subject` at `version` from live versions (or from any, with `includeDeleted`). */
  referencedBy(subject: string, version: number, includeDeleted = false): number[] {
    const ids = new Set<number>()
    for (const versions of this.#subjects.values()) {
      for (const v of versions) {
        if (v.deleted && !includeDeleted) continue
        const stored = this.#schemas.get(v.id)
        if (stored?.references.some((r) => r.subject === subject && r.version === version)) ids.add(v.id)
      }
    }
    return [...ids].sort((a, b) => a - b)
  }

  /** Every (subject, version) holding the id; soft-deleted ones only with `deleted`. */
  versionsOfId(id: number, deleted = false): Array<{ subject: string; version: number }> {
    const out: Array<{ subject: string; version: number }> = []
    for (const subject of [...this.#subjects.keys()].sort()) {
      for (const v of this.#subjects.get(subject) ?? []) {
        if (v.id === id && (deleted || !v.deleted)) out.push({ subject, version: v.version })
      }
    }
    return out
  }

  /** A schema by global id. Soft-deleted versions keep their schema readable, as consumers need it. */
  getSchemaById(id: number): SchemaView {
    const s = this.#schemas.get(id)
    if (s === undefined || !this.#idUses.has(id)) throw schemaNotFound(id)
    return this.#schemaFields(s)
  }

  lookup(
    subject: string,
    schema: string,
    schemaType: string,
    references: readonly SchemaReference[],
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): SubjectVersionView {
    const versions = this.#subjects.get(subject)
    if (versions === undefined || (!options.deleted && versions.every((v) => v.deleted))) {
      throw subjectNotFound(subject)
    }
    references = this.#concreteReferences(references)
    const parsed = this.parse(schema, schemaType, references)
    // Like Confluent, a lookup that finds nothing as written retries with normalized forms.
    const found =
      this.#findInSubject(
        versions,
        parsed,
        schemaType,
        references,
        options.normalize ?? false,
        options.deleted ?? false,
      ) ?? this.#findInSubject(versions, parsed, schemaType, references, true, options.deleted ?? false)
    if (found === undefined) throw schemaNotFound()
    return this.#view(subject, found)
  }

  listSchemas(options: {
    subjectPrefix?: string
    deleted?: boolean
    latestOnly?: boolean
    offset?: number
    limit?: number
  }): SubjectVersionView[] {
    const out: SubjectVersionView[] = []
    for (const subject of this.listSubjects({
      deleted: options.deleted ?? false,
      prefix: options.subjectPrefix ?? '',
    })) {
      const visible = (this.#subjects.get(subject) ?? []).filter((v) => options.deleted || !v.deleted)
      const chosen = options.latestOnly ? visible.slice(-1) : visible
      for (const v of chosen) out.push(this.#view(subject, v))
    }
    const start = options.offset ?? 0
    return options.limit !== undefined && options.limit >= 0
      ? out.slice(start, start + options.limit)
      : out.slice(start)
  }

  /** Tests a schema against one version or (for `latest`/undefined) every live version, never registering. */
  testCompatibility(
    subject: string,
    version: number | 'latest' | undefined,
    schema: string,
    schemaType: string,
    references: readonly SchemaReference[],
    normalize: boolean,
  ): CompatibilityAnswer {
    const versions = this.#subjects.get(subject) ?? []
    const live = versions.filter((v) => !v.deleted)
    // As Confluent: a number or `latest` checks against that one live version (`latest` of an empty
    // subject is compatible); no version checks against every live version, exactly like register.
    let previous: VersionEntry[]
    if (typeof version === 'number') {
      const entry = live.find((v) => v.version === version)
      if (entry === undefined) throw versionNotFound(version)
      previous = [entry]
    } else if (version === 'latest') {
      previous = live.slice(-1)
    } else {
      previous = live
    }
    const parsed = this.parse(schema, schemaType, references)
    void normalize
    const messages = this.#check(parsed, previous, this.compatibilityOf(subject))
    return { isCompatible: messages.length === 0, messages }
  }

  /** A stable summary of the whole state, used to compare instances. */
  snapshot(): unknown {
    return {
      schemas: [...this.#schemas.values()]
        .sort((a, b) => a.id - b.id)
        .map((s) => ({ id: s.id, schema: s.schema, references: s.references })),
      subjects: [...this.#subjects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      config: [this.#globalConfig, ...[...this.#config.entries()].sort()],
      modes: [this.#globalMode, ...[...this.#modes.entries()].sort()],
      // The id maps and the next id: what decides the id of the next registration.
      idByKey: [...this.#idByKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      idUses: [...this.#idUses.entries()].sort(([a], [b]) => a - b),
      maxId: this.#maxId,
      proposals: this.#proposals.size,
    }
  }
}
