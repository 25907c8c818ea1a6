import { createHash, type Hash } from 'node:crypto'
import { z } from 'zod'
import type { SchemaReference } from './schema-reference'

/**
 * Confluent's data-contract shapes (schema metadata and rule sets), kept in the sorted form Confluent
 * stores them in, plus the schema GUID: an MD5 over schema text, references, metadata and rule set.
 */

const stringMap = z.record(z.string(), z.string())

export const metadataSchema = z
  .object({
    tags: z.record(z.string(), z.array(z.string())).nullish(),
    properties: stringMap.nullish(),
    sensitive: z.array(z.string()).nullish(),
  })
  .loose()

export const RULE_KINDS = ['TRANSFORM', 'CONDITION'] as const
export const RULE_MODES = ['UPGRADE', 'DOWNGRADE', 'UPDOWN', 'WRITE', 'READ', 'WRITEREAD'] as const
const MIGRATION_MODES = new Set(['UPGRADE', 'DOWNGRADE', 'UPDOWN'])

export const ruleSchema = z
  .object({
    name: z.string().regex(/^[\p{L}_][\p{L}\p{N}_-]{0,63}$/u, {
      message: 'a rule name starts with a letter or _ and has only letters, digits, _ and - (at most 64)',
    }),
    doc: z.string().nullish(),
    kind: z.enum(RULE_KINDS).nullish(),
    mode: z.enum(RULE_MODES).nullish(),
    type: z.string({ message: 'a rule needs a "type" (such as CEL or ENCRYPT)' }),
    tags: z.array(z.string()).nullish(),
    params: stringMap.nullish(),
    expr: z.string().nullish(),
    onSuccess: z.string().nullish(),
    onFailure: z.string().nullish(),
    disabled: z.boolean().nullish(),
  })
  .loose()

export const ruleSetSchema = z
  .object({
    migrationRules: z.array(ruleSchema).nullish(),
    domainRules: z.array(ruleSchema).nullish(),
    encodingRules: z.array(ruleSchema).nullish(),
    enableAt: z.string().nullish(),
  })
  .loose()

export type MetadataInput = z.input<typeof metadataSchema>
export type RuleInput = z.input<typeof ruleSchema>
export type RuleSetInput = z.input<typeof ruleSetSchema>

/** Metadata as stored: every part present, keys and members sorted (Confluent's SortedMap/SortedSet). */
export interface Metadata {
  readonly tags: Readonly<Record<string, readonly string[]>>
  readonly properties: Readonly<Record<string, string>>
  readonly sensitive: readonly string[]
}

export interface Rule {
  readonly name: string
  readonly doc?: string
  readonly kind: (typeof RULE_KINDS)[number]
  readonly mode: (typeof RULE_MODES)[number]
  readonly type: string
  readonly tags: readonly string[]
  readonly params: Readonly<Record<string, string>>
  readonly expr?: string
  readonly onSuccess?: string
  readonly onFailure?: string
  readonly disabled: boolean
}

export interface RuleSet {
  readonly migrationRules: readonly Rule[]
  readonly domainRules: readonly Rule[]
  readonly encodingRules: readonly Rule[]
  readonly enableAt?: string
}

// Java's String.compareTo and JS's < both compare UTF-16 code units.
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const sortedSet = (values: readonly string[] | null | undefined) =>
  [...new Set(values ?? [])].sort(byCodeUnit)
function sortedRecord<T>(
  record: Readonly<Record<string, T>> | null | undefined,
  map: (v: T) => T = (v) => v,
): Record<string, T> {
  const out: Record<string, T> = {}
  for (const key of Object.keys(record ?? {}).sort(byCodeUnit))
    out[key] = map((record as Record<string, T>)[key] as T)
  return out
}

export function toMetadata(input: z.infer<typeof metadataSchema>): Metadata {
  return {
    tags: sortedRecord(input.tags ?? {}, (v) => sortedSet(v)),
    properties: sortedRecord(input.properties ?? {}),
    sensitive: sortedSet(input.sensitive),
  }
}

function toRule(input: z.infer<typeof ruleSchema>): Rule {
  return {
    name: input.name,
    ...(input.doc != null ? { doc: input.doc } : {}),
    kind: input.kind ?? 'TRANSFORM',
    mode: input.mode ?? 'WRITEREAD',
    type: input.type,
    tags: sortedSet(input.tags),
    params: sortedRecord(input.params ?? {}),
    ...(input.expr != null ? { expr: input.expr } : {}),
    ...(input.onSuccess != null ? { onSuccess: input.onSuccess } : {}),
    ...(input.onFailure != null ? { onFailure: input.onFailure } : {}),
    disabled: input.disabled ?? false,
  }
}

/** Validates as Confluent's RuleSet.validate does; returns a reason, or undefined when valid. */
export function ruleSetProblem(ruleSet: RuleSet): string | undefined {
  const names = new Set<string>()
  const lists: Array<[string, readonly Rule[]]> = [
    ['migrationRules', ruleSet.migrationRules],
    ['domainRules', ruleSet.domainRules],
    ['encodingRules', ruleSet.encodingRules],
  ]
  for (const [list, rules] of lists) {
    for (const rule of rules) {
      if (names.has(rule.name)) return `found rule with duplicate name '${rule.name}'`
      names.add(rule.name)
      const migration = MIGRATION_MODES.has(rule.mode)
      if (list === 'migrationRules' && !migration) {
        return `migration rule '${rule.name}' must have mode UPGRADE, DOWNGRADE or UPDOWN`
      }
      if (list !== 'migrationRules' && migration) {
        return `${list} rule '${rule.name}' must have mode WRITE, READ or WRITEREAD`
      }
      for (const action of [rule.onSuccess, rule.onFailure]) {
        if (action?.includes(',') && rule.mode !== 'WRITEREAD' && rule.mode !== 'UPDOWN') {
          return `rule '${rule.name}': multiple actions are only valid with WRITEREAD and UPDOWN`
        }
      }
    }
  }
  return undefined
}

export function toRuleSet(input: z.infer<typeof ruleSetSchema>): RuleSet {
  return {
    migrationRules: (input.migrationRules ?? []).map(toRule),
    domainRules: (input.domainRules ?? []).map(toRule),
    encodingRules: (input.encodingRules ?? []).map(toRule),
    ...(input.enableAt != null ? { enableAt: input.enableAt } : {}),
  }
}

/** Confluent's Metadata.mergeMetadata: the newer side wins per key; sets are unions. */
export function mergeMetadata(
  older: Metadata | undefined,
  newer: Metadata | undefined,
): Metadata | undefined {
  if (older === undefined) return newer
  if (newer === undefined) return older
  const map = <T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>) =>
    Object.keys(a).length === 0 ? b : Object.keys(b).length === 0 ? a : sortedRecord({ ...a, ...b })
  return {
    tags: map(older.tags, newer.tags),
    properties: map(older.properties, newer.properties),
    sensitive: sortedSet([...older.sensitive, ...newer.sensitive]),
  }
}

/** Confluent's RuleSet.mergeRuleSets: a newer rule replaces an older one of the same name. */
export function mergeRuleSets(older: RuleSet | undefined, newer: RuleSet | undefined): RuleSet | undefined {
  if (older === undefined) return newer
  if (newer === undefined) return older
  const merge = (a: readonly Rule[], b: readonly Rule[]) => {
    if (a.length === 0) return b
    if (b.length === 0) return a
    const replaced = new Set(b.map((r) => r.name))
    return [...a.filter((r) => !replaced.has(r.name)), ...b]
  }
  const enableAt = newer.enableAt ?? older.enableAt
  return {
    migrationRules: merge(older.migrationRules, newer.migrationRules),
    domainRules: merge(older.domainRules, newer.domainRules),
    encodingRules: merge(older.encodingRules, newer.encodingRules),
    ...(enableAt !== undefined ? { enableAt } : {}),
  }
}

/** JSON as Confluent writes it (Jackson NON_EMPTY): empty maps and lists left out. */
export function metadataJson(m: Metadata): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (Object.keys(m.tags).length > 0) out.tags = sortedRecord(m.tags, (v) => [...v])
  if (Object.keys(m.properties).length > 0) out.properties = { ...m.properties }
  if (m.sensitive.length > 0) out.sensitive = [...m.sensitive]
  return out
}

function ruleJson(r: Rule): Record<string, unknown> {
  const out: Record<string, unknown> = { name: r.name }
  if (r.doc !== undefined) out.doc = r.doc
  out.kind = r.kind
  out.mode = r.mode
  out.type = r.type
  if (r.tags.length > 0) out.tags = [...r.tags]
  if (Object.keys(r.params).length > 0) out.params = { ...r.params }
  if (r.expr !== undefined) out.expr = r.expr
  if (r.onSuccess !== undefined) out.onSuccess = r.onSuccess
  if (r.onFailure !== undefined) out.onFailure = r.onFailure
  out.disabled = r.disabled
  return out
}

export function ruleSetJson(rs: RuleSet): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (rs.migrationRules.length > 0) out.migrationRules = rs.migrationRules.map(ruleJson)
  if (rs.domainRules.length > 0) out.domainRules = rs.domainRules.map(ruleJson)
  if (rs.encodingRules.length > 0) out.encodingRules = rs.encodingRules.map(ruleJson)
  if (rs.enableAt !== undefined) out.enableAt = rs.enableAt
  return out
}

/** Metadata with `key=value` properties all present (the /subjects/{s}/metadata query). */
export function metadataMatches(m: Metadata | undefined, wanted: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(wanted)) {
    if (m?.properties[key] !== value) return false
  }
  return true
}

function utf8(md: Hash, s: string): void {
  md.update(s, 'utf8')
}

function hashRule(md: Hash, r: Rule): void {
  utf8(md, r.name)
  if (r.doc !== undefined) utf8(md, r.doc)
  utf8(md, r.kind)
  utf8(md, r.mode)
  utf8(md, r.type)
  for (const t of r.tags) utf8(md, t)
  for (const [k, v] of Object.entries(r.params)) {
    utf8(md, k)
    utf8(md, v)
  }
  if (r.expr !== undefined) utf8(md, r.expr)
  if (r.onSuccess !== undefined) utf8(md, r.onSuccess)
  if (r.onFailure !== undefined) utf8(md, r.onFailure)
  if (r.disabled) md.update(Buffer.of(1))
}

/**
 * The schema's GUID as Confluent computes it (MD5 of: schema text; each reference's name, subject and
 * 4-byte big-endian version; a 1 byte then the sorted metadata when present; a 1 byte then the rules
 * when a rule set is present), written as a UUID.
 */
export function schemaGuid(
  schema: string,
  references: readonly SchemaReference[],
  metadata: Metadata | undefined,
  ruleSet: RuleSet | undefined,
): string {
  const md = createHash('md5')
  utf8(md, schema)
  for (const r of references) {
    utf8(md, r.name)
    utf8(md, r.subject)
    const version = Buffer.alloc(4)
    version.writeInt32BE(r.version)
    md.update(version)
  }
  if (metadata !== undefined) {
    md.update(Buffer.of(1))
    for (const [key, values] of Object.entries(metadata.tags)) {
      utf8(md, key)
      for (const v of values) utf8(md, v)
    }
    for (const [key, value] of Object.entries(metadata.properties)) {
      utf8(md, key)
      utf8(md, value)
    }
    for (const s of metadata.sensitive) utf8(md, s)
  }
  if (ruleSet !== undefined) {
    md.update(Buffer.of(1))
    for (const r of [...ruleSet.migrationRules, ...ruleSet.domainRules, ...ruleSet.encodingRules]) {
      hashRule(md, r)
    }
    if (ruleSet.enableAt !== undefined) utf8(md, ruleSet.enableAt)
  }
  const hex = md.digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A GUID path segment in canonical lower-case UUID form, or undefined when it is not a UUID. */
export function normalizeGuid(text: string): string | undefined {
  const t = text.toLowerCase()
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t)) return t
  if (/^[0-9a-f]{32}$/.test(t)) {
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}`
  }
  return undefined
}

/** Config fields beyond compatibility that Confluent 8 keeps per subject and globally. */
export interface DataContractConfig {
  compatibilityGroup?: string
  defaultMetadata?: Metadata
  overrideMetadata?: Metadata
  defaultRuleSet?: RuleSet
  overrideRuleSet?: RuleSet
  normalize?: boolean
  validateFields?: boolean
  validateRules?: boolean
  alias?: string
}
