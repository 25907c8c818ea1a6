import { isKafkitError } from '@kafkit/common'
import { type CompatibilityLevel, checkCompatibility, confluentTrailer } from '../compatibility'
import { asSchemaError, RegistryApiError } from '../errors'
import { type AvroNode, type ParsedAvroSchema, parseAvroSchema } from '../schema'
import { writeCanonical } from '../schema/canonical'
import { cachedParse, parseAvroSchemaCached } from '../schema/parse-cache'
import {
  type DataContractConfig,
  type Metadata,
  mergeMetadata,
  mergeRuleSets,
  metadataJson,
  metadataMatches,
  type RuleSet,
  ruleSetJson,
  schemaGuid,
} from './data-contract'
import type {
  Association,
  AssociationCommand,
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
  readonly metadata: Metadata | undefined
  readonly ruleSet: RuleSet | undefined
  /** Confluent's GUID: MD5 over text, references, metadata and rule set; also the identity key in the context. */
  readonly guid: string
}

/** One context's id space: Confluent numbers schemas per context (`:.ctx:subject`). */
interface IdSpace {
  readonly schemas: Map<number, StoredSchema>
  readonly idByGuid: Map<string, number>
  /** How many versions (soft-deleted included) hold each id: an id with none is gone. */
  readonly idUses: Map<number, number>
  maxId: number
}

const newIdSpace = (): IdSpace => ({ schemas: new Map(), idByGuid: new Map(), idUses: new Map(), maxId: 0 })

export const DEFAULT_CONTEXT = '.'

/** The context of a subject: `.ctx` for `:.ctx:name`, `.` otherwise. */
export function contextOf(subject: string): string {
  const m = /^:(\.[^:]*):/.exec(subject)
  return m?.[1] ?? DEFAULT_CONTEXT
}

/** `:.:name` is `name` in the default context, as Confluent normalizes it. */
export function normalizeSubject(subject: string): string {
  return subject.startsWith(':.:') ? subject.slice(3) : subject
}

/** An unqualified reference from a subject in a context resolves in that context (as Confluent's qualifySubjectWithParent). */
function qualifyReference(parent: string, refSubject: string): string {
  const ctx = contextOf(parent)
  if (ctx === DEFAULT_CONTEXT || refSubject.startsWith(':.')) return refSubject
  return `:${ctx}:${refSubject}`
}

interface VersionEntry {
  readonly version: number
  readonly id: number
  deleted: boolean
}

export type RegisterAnswer = Omit<SubjectVersionView, 'subject'>

/**
 * What a command changes, decided by `RegistryState.plan` from the current state after every check
 * passed; applying it only mutates. `unchanged` carries the answer of a command that changes nothing.
 */
export type Plan =
  | { readonly op: 'unchanged'; readonly answer: unknown }
  | {
      readonly op: 'register'
      readonly subject: string
      readonly entry: VersionEntry
      /** The schema to store under `entry.id`, when the context has no schema with that id yet. */
      readonly stored: StoredSchema | undefined
      readonly textKey: string
      readonly schemaKey: string
    }
  | {
      readonly op: 'deleteVersion'
      readonly subject: string
      readonly entry: VersionEntry
      readonly permanent: boolean
    }
  | {
      readonly op: 'deleteSubject'
      readonly subject: string
      readonly versions: readonly VersionEntry[]
      readonly permanent: boolean
    }
  | { readonly op: 'setConfig'; readonly subject: string | null; readonly compatibility: CompatibilityLevel }
  | { readonly op: 'deleteConfig'; readonly subject: string | null }
  | { readonly op: 'setMode'; readonly subject: string | null; readonly mode: RegistryMode }
  | { readonly op: 'deleteMode'; readonly subject: string }
  | {
      readonly op: 'updateConfig'
      readonly subject: string | null
      readonly compatibility: CompatibilityLevel | undefined
      readonly config: Extract<RegistryCommand, { op: 'updateConfig' }>['config']
    }
  | { readonly op: 'putAssociations'; readonly command: AssociationCommand }
  | { readonly op: 'deleteAssociations'; readonly keys: readonly string[] }

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

/** The identity of a schema in its context: type plus Confluent's MD5 (text, references, metadata, rule set). */
function schemaKey(schemaType: string, guid: string): string {
  return `${schemaType}\u0000${guid}`
}

/** A canonical text (with its references) in a context: lets a register skip scanning for an unseen text. */
function textKey(
  context: string,
  schemaType: string,
  canonical: string,
  references: readonly SchemaReference[],
): string {
  return `${context}\u0000${schemaType}\u0000${canonical}\u0000${JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))}`
}

const emptyConfig = (): DataContractConfig => ({})

/**
 * The registry state machine. `apply` takes log records in order and is deterministic: the same
 * log gives the same ids, versions and errors on every instance. Reads never change state.
 */
export class RegistryState {
  #spaces = new Map<string, IdSpace>()
  #subjects = new Map<string, VersionEntry[]>()
  #config = new Map<string, CompatibilityLevel>()
  #modes = new Map<string, RegistryMode>()
  #globalConfig: CompatibilityLevel = DEFAULT_COMPATIBILITY
  #globalMode: RegistryMode = DEFAULT_MODE
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
  /** Data-contract config (metadata, rule sets, normalize, group); the key '' is the global one. */
  #contractConfig = new Map<string, DataContractConfig>()
  /** Associations by `${resourceId}\u0000${associationType}`. */
  #associations = new Map<string, Association>()

  #space(context: string): IdSpace {
    let space = this.#spaces.get(context)
    if (space === undefined) {
      space = newIdSpace()
      this.#spaces.set(context, space)
    }
    return space
  }

  /** The schema a version of `subject` points at (ids are scoped to the subject's context). */
  #stored(subject: string, id: number): StoredSchema | undefined {
    return this.#spaces.get(contextOf(subject))?.schemas.get(id)
  }

  #use(subject: string, id: number, delta: number): void {
    const uses = this.#space(contextOf(subject)).idUses
    const n = (uses.get(id) ?? 0) + delta
    if (n > 0) uses.set(id, n)
    else uses.delete(id)
  }

  /** Highest schema id handed out so far in a context (the default one unless given). */
  get maxId(): number {
    return this.maxIdIn(DEFAULT_CONTEXT)
  }

  maxIdIn(context: string): number {
    return this.#spaces.get(context)?.maxId ?? 0
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
   * Decides what `command` would do, without changing anything: validates it against the current state
   * and throws the error `apply` would answer with, or returns the change to make (`unchanged` with the
   * answer when there is none, e.g. a schema the subject already has). A server refuses doomed writes
   * with it, and answers repeated registers without writing to the log.
   */
  plan(command: RegistryCommand): Plan {
    switch (command.op) {
      case 'register':
        return this.#planRegister(command)
      case 'deleteVersion':
        return this.#planDeleteVersion(command.subject, command.version, command.permanent)
      case 'deleteSubject':
        return this.#planDeleteSubject(command.subject, command.permanent)
      case 'setConfig':
        if (command.subject !== null) validateSubject(command.subject)
        return { op: 'setConfig', subject: command.subject, compatibility: command.compatibility }
      case 'deleteConfig':
        // Confluent answers 40401 when there is no subject-level config to delete.
        if (
          command.subject !== null &&
          !this.#config.has(command.subject) &&
          !this.#contractConfig.has(command.subject)
        ) {
          throw subjectNotFound(command.subject)
        }
        return { op: 'deleteConfig', subject: command.subject }
      case 'setMode':
        return this.#planSetMode(command.subject, command.mode, command.force)
      case 'deleteMode':
        if (!this.#modes.has(command.subject)) throw subjectNotFound(command.subject)
        return { op: 'deleteMode', subject: command.subject }
      case 'updateConfig': {
        const subject = command.subject === null ? null : normalizeSubject(command.subject)
        if (subject !== null) validateSubject(subject)
        return { op: 'updateConfig', subject, compatibility: command.compatibility, config: command.config }
      }
      case 'putAssociations':
        return this.#planPutAssociations(command)
      case 'deleteAssociations':
        return this.#planDeleteAssociations(command)
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
      return { ok: true, value: this.#applyPlan(this.plan(record.command)) }
    } catch (error) {
      if (error instanceof RegistryApiError) return { ok: false, error }
      // A schema the parser or checker chokes on is still the client's input: 42201, not a 5xx.
      const register = (record.command as { op?: unknown } | undefined)?.op === 'register'
      return {
        ok: false,
        error:
          register || isKafkitError(error, 'KAFKIT_REGISTRY_INVALID_SCHEMA')
            ? asSchemaError(error)
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

  /** Makes the change a plan decided; every check ran in `plan`, so this only mutates and answers. */
  #applyPlan(plan: Plan): unknown {
    switch (plan.op) {
      case 'unchanged':
        return plan.answer
      case 'register':
        return this.#applyRegister(plan)
      case 'deleteVersion': {
        const { subject, entry } = plan
        if (plan.permanent) {
          this.#use(subject, entry.id, -1)
          const rest = (this.#subjects.get(subject) ?? []).filter((v) => v !== entry)
          if (rest.length === 0) this.#subjects.delete(subject)
          else this.#subjects.set(subject, rest)
        } else entry.deleted = true
        return entry.version
      }
      case 'deleteSubject': {
        const { subject, versions } = plan
        if (plan.permanent) {
          for (const v of versions) this.#use(subject, v.id, -1)
          this.#subjects.delete(subject)
          // Only a hard delete drops the subject's own config and mode (as Confluent does).
          this.#config.delete(subject)
          this.#contractConfig.delete(subject)
          this.#modes.delete(subject)
        } else for (const v of versions) v.deleted = true
        return versions.map((v) => v.version)
      }
      case 'setConfig':
        if (plan.subject === null) this.#globalConfig = plan.compatibility
        else this.#config.set(plan.subject, plan.compatibility)
        return { compatibility: plan.compatibility }
      case 'deleteConfig': {
        const previous = this.getFullConfig(plan.subject, false)
        if (plan.subject === null) {
          this.#globalConfig = DEFAULT_COMPATIBILITY
          this.#contractConfig.delete('')
        } else {
          this.#config.delete(plan.subject)
          this.#contractConfig.delete(plan.subject)
        }
        return previous
      }
      case 'setMode':
        if (plan.subject === null) this.#globalMode = plan.mode
        else this.#modes.set(plan.subject, plan.mode)
        return { mode: plan.mode }
      case 'deleteMode': {
        const previous = this.#modes.get(plan.subject)
        this.#modes.delete(plan.subject)
        return { mode: previous }
      }
      case 'updateConfig':
        return this.#applyUpdateConfig(plan)
      case 'putAssociations':
        return this.#applyPutAssociations(plan.command)
      case 'deleteAssociations':
        for (const key of plan.keys) this.#associations.delete(key)
        return null
    }
  }

  // ---------------------------------------------------------------- writes

  /** Every check of a register; the plan holds the id, version and (for a new id) the schema to store. */
  #planRegister(input: Extract<RegistryCommand, { op: 'register' }>): Plan {
    const subject = normalizeSubject(input.subject)
    const command = { ...input, subject, references: this.#concreteReferences(subject, input.references) }
    validateSubject(subject)
    const contract = this.contractConfigOf(subject)
    const normalize = command.normalize || contract.normalize === true
    const parsed = this.parse(command.schema, command.schemaType, command.references, {
      avscBackstop: false,
      subject,
    })
    const text = normalize ? parsed.normalized : parsed.canonical
    const versions = this.#subjects.get(subject) ?? []
    // Read without creating: planning must leave no trace, not even an empty context.
    const space = this.#spaces.get(contextOf(subject))

    // As Confluent: metadata and rule set not sent are inherited from the latest live version, then
    // merged between the config's defaults and overrides. All of it is part of the schema's identity.
    const previous = versions.filter((v) => !v.deleted).at(-1)
    const previousSchema = previous === undefined ? undefined : space?.schemas.get(previous.id)
    const importing = command.id !== undefined || command.version !== undefined
    const mode = this.modeOf(subject)
    const inherit = mode !== 'IMPORT'
    const metadata = mergeMetadata(
      mergeMetadata(
        contract.defaultMetadata,
        command.metadata ?? (inherit ? previousSchema?.metadata : undefined),
      ),
      contract.overrideMetadata,
    )
    const ruleSet = mergeRuleSets(
      mergeRuleSets(
        contract.defaultRuleSet,
        command.ruleSet ?? (inherit ? previousSchema?.ruleSet : undefined),
      ),
      contract.overrideRuleSet,
    )
    const guid = schemaGuid(text, command.references, metadata, ruleSet)
    const key = schemaKey(command.schemaType, guid)

    // Registering what the subject already has (live) answers with its id and changes nothing, in any
    // mode (as Confluent: producers that auto-register keep working against a READONLY registry).
    // A text no stored schema of the context has cannot be in the subject: skip the scan (most registers in a replay).
    const existing =
      normalize ||
      this.#canonicalKeys.has(
        textKey(contextOf(subject), command.schemaType, parsed.canonical, command.references),
      )
        ? this.#findInSubject(
            subject,
            versions,
            parsed,
            command.schemaType,
            command.references,
            normalize,
            false,
            guid,
            { metadata, ruleSet },
          )
        : undefined
    if (
      existing !== undefined &&
      command.version === undefined &&
      (command.id ?? existing.id) === existing.id
    ) {
      return { op: 'unchanged', answer: this.#registerAnswer(subject, existing) }
    }

    if (mode === 'READONLY') {
      throw api('KAFKIT_REGISTRY_OPERATION_NOT_PERMITTED', `Subject ${subject} is in read-only mode`, {
        subject,
      })
    }
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

    let id = space?.idByGuid.get(key)
    if (command.id !== undefined) {
      const holder = space?.schemas.get(command.id)
      // An import may give the same text a second id (as exported from another registry), never reuse an id.
      if (holder !== undefined && schemaKey(holder.schemaType, holder.guid) !== key) {
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
        subject,
        parsed,
        this.#sameGroup(
          subject,
          versions.filter((v) => !v.deleted),
          metadata,
        ),
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

    if (id === undefined) id = (space?.maxId ?? 0) + 1
    const stored = space?.schemas.has(id)
      ? undefined
      : {
          id,
          schemaType: command.schemaType,
          schema: text,
          references: command.references.map((r) => ({
            name: r.name,
            subject: r.subject,
            version: r.version,
          })),
          parsed,
          metadata,
          ruleSet,
          guid,
        }
    return {
      op: 'register',
      subject,
      entry: { version, id, deleted: false },
      stored,
      textKey: textKey(contextOf(subject), command.schemaType, parsed.canonical, command.references),
      schemaKey: key,
    }
  }

  /** Answers as Confluent 8's RegisterSchemaResponse: id, version, guid, the schema and its contract. */
  #applyRegister(plan: Extract<Plan, { op: 'register' }>): RegisterAnswer {
    const { subject, entry, stored } = plan
    const space = this.#space(contextOf(subject))
    if (stored !== undefined) {
      this.#canonicalKeys.add(plan.textKey)
      space.schemas.set(entry.id, stored)
      if (!space.idByGuid.has(plan.schemaKey)) space.idByGuid.set(plan.schemaKey, entry.id)
    }
    space.maxId = Math.max(space.maxId, entry.id)
    this.#use(subject, entry.id, 1)
    const versions = this.#subjects.get(subject) ?? []
    const list = [...versions, entry]
    // Only an imported version can land below the highest; a replay of a long log should not sort each time.
    if (entry.version < (versions.at(-1)?.version ?? 0)) list.sort((a, b) => a.version - b.version)
    this.#subjects.set(subject, list)
    return this.#registerAnswer(subject, entry)
  }

  #registerAnswer(subject: string, entry: VersionEntry): RegisterAnswer {
    const { subject: _subject, ...rest } = this.#view(subject, entry)
    return rest
  }

  /** With a compatibilityGroup, only versions with the same value of that metadata property are compared. */
  #sameGroup(subject: string, versions: VersionEntry[], metadata: Metadata | undefined): VersionEntry[] {
    const group = this.contractConfigOf(subject).compatibilityGroup
    if (group === undefined) return versions
    const value = metadata?.properties[group]
    return versions.filter((v) => this.#stored(subject, v.id)?.metadata?.properties[group] === value)
  }

  #planDeleteVersion(subject: string, versionSpec: number | 'latest', permanent: boolean): Plan {
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
      return { op: 'deleteVersion', subject, entry, permanent }
    }
    if (entry.deleted) {
      throw api(
        'KAFKIT_REGISTRY_VERSION_SOFT_DELETED',
        `Subject '${subject}' Version ${entry.version} was soft deleted.Set permanent=true to delete permanently`,
        { subject, version: entry.version },
      )
    }
    this.#assertNotReferenced(subject, entry.version, false)
    return { op: 'deleteVersion', subject, entry, permanent }
  }

  #planDeleteSubject(subject: string, permanent: boolean): Plan {
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
      return { op: 'deleteSubject', subject, versions, permanent }
    }
    if (live.length === 0) {
      throw api(
        'KAFKIT_REGISTRY_SUBJECT_SOFT_DELETED',
        `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
        { subject },
      )
    }
    for (const v of live) this.#assertNotReferenced(subject, v.version, false)
    return { op: 'deleteSubject', subject, versions: live, permanent }
  }

  #planSetMode(subject: string | null, mode: RegistryMode, force: boolean): Plan {
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
    return { op: 'setMode', subject, mode }
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
  #concreteReferences(parent: string, references: readonly SchemaReference[]): SchemaReference[] {
    return references.map((r) => {
      if (r.version !== -1) return r
      const latest = this.#resolveVersion(qualifyReference(parent, r.subject), 'latest', false)
      return latest === undefined ? r : { ...r, version: latest.version }
    })
  }

  /**
   * Parses a schema with its references resolved (transitively) from this state. Applying a register
   * skips the avsc backstop (`avscBackstop: false`): the HTTP layer ran it before proposing, so the
   * outcome is the same on every instance, and a replay does not pay for avsc's code generation.
   * `subject` is the subject it is for: unqualified references resolve in that subject's context.
   */
  parse(
    schema: string,
    schemaType: string,
    references: readonly SchemaReference[],
    options: { avscBackstop?: boolean; subject?: string } = {},
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
    const visit = (refs: readonly SchemaReference[], depth: number, from: string) => {
      if (depth > 32)
        throw api('KAFKIT_REGISTRY_INVALID_SCHEMA', 'Invalid schema: references nest too deeply')
      for (const ref of refs) {
        const refSubject = qualifyReference(from, ref.subject)
        const key = `${refSubject}\u0000${ref.version}`
        if (seen.has(key)) continue
        seen.add(key)
        const entry = this.#resolveVersion(refSubject, ref.version === -1 ? 'latest' : ref.version, true)
        const stored = entry === undefined ? undefined : this.#stored(refSubject, entry.id)
        if (entry === undefined || stored === undefined) {
          throw api(
            'KAFKIT_REGISTRY_INVALID_SCHEMA',
            `Invalid schema: reference '${ref.name}' points at subject '${ref.subject}' version ${ref.version}, which does not exist; register it first`,
            { reference: ref },
          )
        }
        visit(stored.references, depth + 1, refSubject) // dependencies first
        resolved.push({ name: ref.name, subject: ref.subject, version: entry.version, schema: stored.schema })
      }
    }
    visit(references, 0, options.subject ?? '')
    // Without the backstop (apply, replay): a cached parse passed more checks and will do; a miss is
    // not cached, since a cached parse must always be one that passed the backstop.
    if (options.avscBackstop === false)
      return (
        cachedParse(schema, { references: resolved }) ??
        parseAvroSchema(schema, { references: resolved, avscBackstop: false })
      )
    return parseAvroSchemaCached(schema, { references: resolved })
  }

  #findInSubject(
    subject: string,
    versions: readonly VersionEntry[],
    parsed: ParsedAvroSchema,
    schemaType: string,
    references: readonly SchemaReference[],
    normalize: boolean,
    includeDeleted: boolean,
    /** When given, metadata and rule set must match too: the stored GUID must be this one. */
    guid?: string,
    contract?: { metadata: Metadata | undefined; ruleSet: RuleSet | undefined },
  ): VersionEntry | undefined {
    const refs = JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))
    // Newest first, so a lookup answers with the latest version holding the schema.
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i] as VersionEntry
      if (v.deleted && !includeDeleted) continue
      const s = this.#stored(subject, v.id)
      if (s === undefined || s.schemaType !== schemaType) continue
      if (guid !== undefined && s.guid === guid) {
        if (JSON.stringify(s.references.map((r) => [r.name, r.subject, r.version])) === refs) return v
        continue
      }
      // The text first: comparing it is cheap and nearly always decides (a long replay does this per version).
      if (
        s.parsed.canonical !== parsed.canonical &&
        !(normalize && s.parsed.normalized === parsed.normalized)
      )
        continue
      if (JSON.stringify(s.references.map((r) => [r.name, r.subject, r.version])) !== refs) continue
      // Same text: with a contract given it must also carry the same metadata and rule set.
      if (contract !== undefined) {
        if (schemaGuid(s.schema, s.references, contract.metadata, contract.ruleSet) !== s.guid) continue
      } else if (guid !== undefined) continue
      return v
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
  #check(
    subject: string,
    candidate: ParsedAvroSchema,
    live: readonly VersionEntry[],
    level: CompatibilityLevel,
  ): string[] {
    // A non-transitive level checks the latest version only (see checkCompatibility): look up just that one.
    const checked = level.endsWith('_TRANSITIVE') ? live : live.slice(-1)
    const entries = checked.flatMap((v) => {
      const stored = this.#stored(subject, v.id)
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
    const s = this.#stored(subject, entry.id)
    if (s === undefined) throw schemaNotFound(entry.id)
    const { schema, ...rest } = this.#schemaFields(s)
    return { subject, version: entry.version, id: entry.id, guid: s.guid, ...rest, schema }
  }

  #schemaFields(s: StoredSchema): SchemaView {
    // Confluent omits schemaType for AVRO and references when there are none.
    const out: SchemaView = { schema: s.schema }
    if (s.schemaType !== 'AVRO') out.schemaType = s.schemaType
    if (s.references.length > 0) out.references = s.references.map((r) => ({ ...r }))
    if (s.metadata !== undefined) out.metadata = metadataJson(s.metadata)
    if (s.ruleSet !== undefined) out.ruleSet = ruleSetJson(s.ruleSet)
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
    for (const [referrer, versions] of this.#subjects) {
      for (const v of versions) {
        if (v.deleted && !includeDeleted) continue
        const stored = this.#stored(referrer, v.id)
        if (
          stored?.references.some(
            (r) => qualifyReference(referrer, r.subject) === subject && r.version === version,
          )
        )
          ids.add(v.id)
      }
    }
    return [...ids].sort((a, b) => a - b)
  }

  /** Every (subject, version) holding the id; soft-deleted ones only with `deleted`. */
  versionsOfId(
    id: number,
    deleted = false,
    context = DEFAULT_CONTEXT,
  ): Array<{ subject: string; version: number }> {
    const out: Array<{ subject: string; version: number }> = []
    for (const subject of [...this.#subjects.keys()].sort()) {
      if (contextOf(subject) !== context) continue
      for (const v of this.#subjects.get(subject) ?? []) {
        if (v.id === id && (deleted || !v.deleted)) out.push({ subject, version: v.version })
      }
    }
    return out
  }

  /**
   * A schema by id. Soft-deleted versions keep their schema readable, as consumers need it. Ids are
   * scoped to a context; `subject` (as Confluent's `?subject=`) picks it: a qualified subject's context,
   * else the default one, then any context that has the unqualified subject holding that id.
   */
  getSchemaById(id: number, subject?: string): SchemaView {
    const s = this.#schemaOrThrow(id, subject)
    const { schema, ...rest } = this.#schemaFields(s)
    return { guid: s.guid, ...rest, schema }
  }

  /** The context `getSchemaById(id, subject)` finds the id in (for listing its subjects and versions). */
  contextOfId(id: number, subject?: string): string {
    const s = this.#schemaOrThrow(id, subject)
    for (const [context, space] of this.#spaces) if (space.schemas.get(id) === s) return context
    return DEFAULT_CONTEXT
  }

  #schemaOrThrow(id: number, subject?: string): StoredSchema {
    const s = this.#schemaById(id, subject)
    if (s === undefined) throw schemaNotFound(id)
    return s
  }

  #schemaById(id: number, subject?: string): StoredSchema | undefined {
    const live = (context: string) => {
      const space = this.#spaces.get(context)
      return space?.idUses.has(id) ? space.schemas.get(id) : undefined
    }
    const normalized = subject === undefined || subject === '' ? undefined : normalizeSubject(subject)
    if (normalized === undefined) return live(DEFAULT_CONTEXT)
    const context = contextOf(normalized)
    if (context !== DEFAULT_CONTEXT) return live(context)
    const inDefault = live(DEFAULT_CONTEXT)
    if (this.#subjects.get(normalized)?.some((v) => v.id === id) && inDefault) return inDefault
    for (const other of this.contexts()) {
      if (other === DEFAULT_CONTEXT) continue
      const qualified = `:${other}:${normalized}`
      if (this.#subjects.get(qualified)?.some((v) => v.id === id)) return live(other)
    }
    return inDefault
  }

  /** The schema with a GUID (searched in the default context first, then the others, as Confluent). */
  getSchemaByGuid(guid: string): SchemaView & { guid: string } {
    for (const context of this.contexts()) {
      const space = this.#spaces.get(context)
      if (space === undefined) continue
      for (const [key, id] of space.idByGuid) {
        if (!key.endsWith(guid) || !space.idUses.has(id)) continue
        const s = space.schemas.get(id)
        if (s?.guid === guid) return { ...this.#schemaFields(s), guid }
      }
    }
    throw api('KAFKIT_REGISTRY_SCHEMA_NOT_FOUND', `Schema ${guid} not found`)
  }

  /** The ids a GUID has in each context (Confluent's GET /schemas/guids/{guid}/ids). */
  idsOfGuid(guid: string): Array<{ context: string; id: number }> {
    const out: Array<{ context: string; id: number }> = []
    for (const context of this.contexts()) {
      const space = this.#spaces.get(context)
      for (const s of space?.schemas.values() ?? []) {
        if (s.guid === guid && space?.idUses.has(s.id)) out.push({ context, id: s.id })
      }
    }
    return out
  }

  /** Contexts in use: the default `.` first, then those of qualified subjects, sorted. */
  contexts(): string[] {
    const named = new Set<string>()
    for (const subject of this.#subjects.keys()) {
      const context = contextOf(subject)
      if (context !== DEFAULT_CONTEXT) named.add(context)
    }
    return [DEFAULT_CONTEXT, ...[...named].sort()]
  }

  lookup(
    subject: string,
    schema: string,
    schemaType: string,
    references: readonly SchemaReference[],
    options: {
      normalize?: boolean
      deleted?: boolean
      metadata?: Metadata
      ruleSet?: RuleSet
    } = {},
  ): SubjectVersionView {
    subject = normalizeSubject(subject)
    const versions = this.#subjects.get(subject)
    if (versions === undefined || (!options.deleted && versions.every((v) => v.deleted))) {
      throw subjectNotFound(subject)
    }
    references = this.#concreteReferences(subject, references)
    const parsed = this.parse(schema, schemaType, references, { subject })
    const contract = this.contractConfigOf(subject)
    const normalize = (options.normalize ?? false) || contract.normalize === true
    const deleted = options.deleted ?? false
    const given = { metadata: options.metadata, ruleSet: options.ruleSet }
    // As Confluent: first the schema exactly as sent (metadata and rule set included); then with the
    // metadata and rule set a registration would give it (inherited from the latest, config merged);
    // then, for a schema sent without any, the text alone (with normalized forms as a last resort).
    const latest = versions.filter((v) => !v.deleted).at(-1)
    const latestSchema = latest === undefined ? undefined : this.#stored(subject, latest.id)
    const inherited = {
      metadata: mergeMetadata(
        mergeMetadata(contract.defaultMetadata, options.metadata ?? latestSchema?.metadata),
        contract.overrideMetadata,
      ),
      ruleSet: mergeRuleSets(
        mergeRuleSets(contract.defaultRuleSet, options.ruleSet ?? latestSchema?.ruleSet),
        contract.overrideRuleSet,
      ),
    }
    const bare = options.metadata === undefined && options.ruleSet === undefined
    const find = (norm: boolean, c?: { metadata: Metadata | undefined; ruleSet: RuleSet | undefined }) =>
      this.#findInSubject(subject, versions, parsed, schemaType, references, norm, deleted, undefined, c)
    const found =
      find(normalize, given) ??
      find(normalize, inherited) ??
      (bare ? (find(normalize) ?? find(true)) : (find(true, given) ?? find(true, inherited)))
    if (found === undefined) throw schemaNotFound()
    return this.#view(subject, found)
  }

  /** The latest version whose metadata has every `key=value` property (GET /subjects/{s}/metadata). */
  latestWithMetadata(
    subject: string,
    properties: Readonly<Record<string, string>>,
    deleted = false,
  ): SubjectVersionView {
    subject = normalizeSubject(subject)
    const versions = this.#subjects.get(subject)
    if (versions === undefined || (!deleted && versions.every((v) => v.deleted)))
      throw subjectNotFound(subject)
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i] as VersionEntry
      if (v.deleted && !deleted) continue
      if (metadataMatches(this.#stored(subject, v.id)?.metadata, properties)) return this.#view(subject, v)
    }
    throw schemaNotFound()
  }

  /** The schema text in a Confluent `format`: `resolved` inlines the referenced types; others give the stored text. */
  formatted(
    view: { schema: string; references?: readonly SchemaReference[] },
    format: string,
    subject = '',
  ): string {
    if (
      format.toLowerCase() !== 'resolved' ||
      view.references === undefined ||
      view.references.length === 0
    ) {
      return view.schema
    }
    const parsed = this.parse(view.schema, 'AVRO', view.references, { subject })
    return writeCanonical(parsed.root, false, Number.POSITIVE_INFINITY, { local: new Set(allNames(parsed)) })
  }

  listSchemas(options: {
    subjectPrefix?: string
    deleted?: boolean
    deletedOnly?: boolean
    latestOnly?: boolean
    offset?: number
    limit?: number
  }): SubjectVersionView[] {
    const out: SubjectVersionView[] = []
    const prefix = options.subjectPrefix === ':*:' ? '' : (options.subjectPrefix ?? '')
    for (const subject of this.listSubjects({
      deleted: (options.deleted ?? false) || (options.deletedOnly ?? false),
      prefix,
    })) {
      const all = this.#subjects.get(subject) ?? []
      const visible = all.filter((v) => (options.deletedOnly ? v.deleted : options.deleted || !v.deleted))
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
    subject = normalizeSubject(subject)
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
    const parsed = this.parse(schema, schemaType, references, { subject })
    void normalize
    const messages = this.#check(subject, parsed, previous, this.compatibilityOf(subject))
    return { isCompatible: messages.length === 0, messages }
  }

  // ---------------------------------------------------------------- data-contract config

  /** The effective data-contract config of a subject: each field from the subject, else the global one. */
  contractConfigOf(subject: string | null): DataContractConfig {
    const global = this.#contractConfig.get('') ?? emptyConfig()
    if (subject === null) return global
    return { ...global, ...(this.#contractConfig.get(subject) ?? emptyConfig()) }
  }

  /**
   * Confluent 8's config body: compatibilityLevel plus the data-contract fields. A subject with neither
   * answers 40408 unless `defaultToGlobal`, which fills in from the global config.
   */
  getFullConfig(subject: string | null, defaultToGlobal: boolean): Record<string, unknown> {
    const level = subject === null ? this.#globalConfig : this.#config.get(subject)
    const own = this.#contractConfig.get(subject ?? '')
    if (subject !== null && level === undefined && own === undefined && !defaultToGlobal) {
      throw this.#noSubjectConfig(subject)
    }
    const contract =
      subject !== null && defaultToGlobal ? this.contractConfigOf(subject) : (own ?? emptyConfig())
    const out: Record<string, unknown> = {}
    const effective = level ?? (defaultToGlobal ? this.#globalConfig : undefined)
    if (contract.alias !== undefined) out.alias = contract.alias
    if (contract.normalize !== undefined) out.normalize = contract.normalize
    if (contract.validateFields !== undefined) out.validateFields = contract.validateFields
    if (contract.validateRules !== undefined) out.validateRules = contract.validateRules
    if (effective !== undefined) out.compatibilityLevel = effective
    if (contract.compatibilityGroup !== undefined) out.compatibilityGroup = contract.compatibilityGroup
    if (contract.defaultMetadata !== undefined) out.defaultMetadata = metadataJson(contract.defaultMetadata)
    if (contract.overrideMetadata !== undefined)
      out.overrideMetadata = metadataJson(contract.overrideMetadata)
    if (contract.defaultRuleSet !== undefined) out.defaultRuleSet = ruleSetJson(contract.defaultRuleSet)
    if (contract.overrideRuleSet !== undefined) out.overrideRuleSet = ruleSetJson(contract.overrideRuleSet)
    return out
  }

  #applyUpdateConfig(plan: Extract<Plan, { op: 'updateConfig' }>): Record<string, unknown> {
    const { subject } = plan
    if (plan.compatibility !== undefined) {
      if (subject === null) this.#globalConfig = plan.compatibility
      else this.#config.set(subject, plan.compatibility)
    }
    const key = subject ?? ''
    const merged = { ...(this.#contractConfig.get(key) ?? emptyConfig()), ...plan.config }
    if (Object.keys(merged).length > 0) this.#contractConfig.set(key, merged)
    const out = this.getFullConfig(subject, false)
    // Confluent answers a config update with the request's field name for the level.
    if (out.compatibilityLevel !== undefined) {
      const { compatibilityLevel, ...rest } = out
      return { ...rest, compatibility: compatibilityLevel }
    }
    return out
  }

  // ---------------------------------------------------------------- associations

  #planPutAssociations(command: AssociationCommand): Plan {
    for (const a of command.associations) {
      const subject = normalizeSubject(a.subject)
      validateSubject(subject)
      if (!(this.#subjects.get(subject) ?? []).some((v) => !v.deleted)) {
        throw api(
          'KAFKIT_REGISTRY_NO_ACTIVE_SUBJECT_VERSION',
          `No active (non-deleted) version exists for subject '${subject}': register a schema under it first`,
          { subject },
        )
      }
      const existing = this.#associations.get(`${command.resourceId}\u0000${a.associationType}`)
      if (existing !== undefined && command.create && existing.subject !== subject) {
        throw api(
          'KAFKIT_REGISTRY_ASSOCIATION_EXISTS',
          `An association of type '${a.associationType}' already exists for resource '${command.resourceName}'`,
          { resource: command.resourceName, associationType: a.associationType },
        )
      }
      if (existing?.frozen && existing.subject !== subject) {
        throw api(
          'KAFKIT_REGISTRY_ASSOCIATION_FROZEN',
          `The association of type '${a.associationType}' to subject '${existing.subject}' is frozen`,
          { subject: existing.subject },
        )
      }
      for (const other of this.#associations.values()) {
        if (other.subject === subject && other.resourceId !== command.resourceId) {
          throw api(
            'KAFKIT_REGISTRY_SUBJECT_ASSOCIATED',
            `Subject '${subject}' is already associated with resource '${other.resourceName}'`,
            { subject },
          )
        }
      }
    }
    return { op: 'putAssociations', command }
  }

  #applyPutAssociations(command: AssociationCommand): Record<string, unknown> {
    const infos: Array<Record<string, unknown>> = []
    for (const a of command.associations) {
      const key = `${command.resourceId}\u0000${a.associationType}`
      const existing = this.#associations.get(key)
      const subject = normalizeSubject(a.subject)
      this.#associations.set(key, {
        subject,
        guid: existing?.guid ?? a.guid,
        resourceName: command.resourceName,
        resourceNamespace: command.resourceNamespace,
        resourceId: command.resourceId,
        resourceType: command.resourceType,
        associationType: a.associationType,
        lifecycle: a.lifecycle,
        frozen: a.frozen,
        createTimestamp: existing?.createTimestamp ?? command.timestamp,
        updateTimestamp: command.timestamp,
      })
      infos.push({ subject, associationType: a.associationType, lifecycle: a.lifecycle, frozen: a.frozen })
    }
    return {
      resourceName: command.resourceName,
      resourceNamespace: command.resourceNamespace,
      resourceId: command.resourceId,
      resourceType: command.resourceType,
      associations: infos,
    }
  }

  #planDeleteAssociations(command: Extract<RegistryCommand, { op: 'deleteAssociations' }>): Plan {
    const matching = [...this.#associations.entries()].filter(
      ([, a]) =>
        a.resourceId === command.resourceId &&
        (command.resourceType === null || a.resourceType === command.resourceType) &&
        (command.associationTypes === null ||
          command.associationTypes.length === 0 ||
          command.associationTypes.includes(a.associationType)),
    )
    if (matching.length === 0) {
      throw api(
        'KAFKIT_REGISTRY_ASSOCIATION_NOT_FOUND',
        `No association found for resource '${command.resourceId}'`,
        { resourceId: command.resourceId },
      )
    }
    const frozen = matching.find(([, a]) => a.frozen)
    if (frozen !== undefined) {
      throw api(
        'KAFKIT_REGISTRY_ASSOCIATION_FROZEN',
        `The association of type '${frozen[1].associationType}' to subject '${frozen[1].subject}' is frozen`,
        { subject: frozen[1].subject },
      )
    }
    return { op: 'deleteAssociations', keys: matching.map(([key]) => key) }
  }

  /** Associations matching a filter; namespace `-` matches any (the clients' wildcard). */
  associations(filter: {
    resourceName?: string
    resourceNamespace?: string
    resourceId?: string
    subject?: string
    resourceType?: string
    associationTypes?: readonly string[]
    lifecycle?: string
  }): Association[] {
    const types = filter.associationTypes ?? []
    return [...this.#associations.values()]
      .filter(
        (a) =>
          (filter.resourceName === undefined || a.resourceName === filter.resourceName) &&
          (filter.resourceNamespace === undefined ||
            filter.resourceNamespace === '-' ||
            a.resourceNamespace === filter.resourceNamespace) &&
          (filter.resourceId === undefined || a.resourceId === filter.resourceId) &&
          (filter.subject === undefined || a.subject === normalizeSubject(filter.subject)) &&
          (filter.resourceType === undefined || a.resourceType === filter.resourceType) &&
          (types.length === 0 || types.includes(a.associationType)) &&
          (filter.lifecycle === undefined || a.lifecycle === filter.lifecycle),
      )
      .sort((a, b) =>
        a.resourceId === b.resourceId
          ? a.associationType < b.associationType
            ? -1
            : 1
          : a.resourceId < b.resourceId
            ? -1
            : 1,
      )
      .map((a) => ({ ...a }))
  }

  /** A stable summary of the whole state, used to compare instances. */
  snapshot(): unknown {
    const sorted = <T>(entries: Iterable<[string, T]>) =>
      [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      schemas: [...this.#spaces.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .flatMap(([context, space]) =>
          [...space.schemas.values()]
            .sort((a, b) => a.id - b.id)
            .map((s) => ({
              ...(context === DEFAULT_CONTEXT ? {} : { context }),
              id: s.id,
              guid: s.guid,
              schema: s.schema,
              references: s.references,
            })),
        ),
      subjects: sorted(this.#subjects.entries()),
      config: [this.#globalConfig, ...[...this.#config.entries()].sort()],
      contractConfig: sorted(this.#contractConfig.entries()),
      modes: [this.#globalMode, ...[...this.#modes.entries()].sort()],
      associations: sorted(this.#associations.entries()),
      // The id maps and the next id of every context: what decides the id of the next registration.
      idSpaces: [...this.#spaces.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([context, space]) => ({
          context,
          idByGuid: sorted(space.idByGuid.entries()),
          idUses: [...space.idUses.entries()].sort(([a], [b]) => a - b),
          maxId: space.maxId,
        })),
      proposals: this.#proposals.size,
    }
  }
}

/** Every named type a parsed schema can see (its own and its references'), for writing it resolved. */
function allNames(parsed: ParsedAvroSchema): string[] {
  const names = new Set<string>(parsed.namedTypes)
  const visit = (node: AvroNode, seen: Set<AvroNode>) => {
    if (seen.has(node)) return
    seen.add(node)
    switch (node.kind) {
      case 'record':
        names.add(node.name.full)
        for (const f of node.fields) visit(f.type, seen)
        break
      case 'enum':
      case 'fixed':
        names.add(node.name.full)
        break
      case 'array':
        visit(node.items, seen)
        break
      case 'map':
        visit(node.values, seen)
        break
      case 'union':
        for (const b of node.branches) visit(b, seen)
        break
      default:
        break
    }
  }
  visit(parsed.root, new Set())
  return [...names]
}
