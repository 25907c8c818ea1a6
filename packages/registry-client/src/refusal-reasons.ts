/**
 * Why a schema change was refused, as data: one entry per broken rule, with the JSON pointer into
 * the schema and a hint that says how to change the schema instead. Built from the verbose
 * messages a Confluent-compatible registry returns (Kafkit's server or Confluent's own).
 */
export interface CompatibilityReason {
  /** Avro's incompatibility type (`READER_FIELD_MISSING_DEFAULT_VALUE`, ...), or `OTHER` for free text. */
  readonly type: string
  /** JSON pointer into the schema where the rule broke (`/fields/3/type`); undefined when unknown. */
  readonly path: string | undefined
  /** What is wrong, in the registry's words. */
  readonly message: string
  /** How to change the schema so the registry accepts it. */
  readonly hint: string
}

export interface ParsedRefusal {
  readonly reasons: CompatibilityReason[]
  /** The registered version the check failed against (`{oldSchemaVersion: N}`), when the registry said. */
  readonly version: number | undefined
  /** The compatibility level the registry applied (`{... compatibility: 'BACKWARD'}`), when it said. */
  readonly level: string | undefined
}

const ISSUE = /^\{errorType:'([A-Z_]+)', description:'([\s\S]*)', additionalInfo:'([\s\S]*)'\}$/
const PATH = /path '([^']*)'/
const VERSION = /^\{oldSchemaVersion: ?(\d+)\}$/
const LEVEL = /compatibility: ?'([A-Z_]+)'/

/**
 * Confluent's verbose messages as reasons; the old schema text and settings lines are not reasons.
 * Accepts the list of a compatibility check, or a 409 error message that embeds the same list
 * (`... details: [{errorType:...}, {oldSchemaVersion: 1}, ...]`).
 */
export function parseCompatibilityMessages(messages: readonly string[]): ParsedRefusal {
  const reasons: CompatibilityReason[] = []
  let version: number | undefined
  let level: string | undefined
  for (const raw of messages.flatMap(splitItems)) {
    const text = raw.trim()
    const issue = ISSUE.exec(text)
    if (issue) {
      const [, type, description, info] = issue as unknown as [string, string, string, string]
      const path = PATH.exec(description)?.[1]
      // Descriptions name the reader side first: "... in the new schema has no default ... old schema".
      const oldAt = description.indexOf(' old schema')
      const newAt = description.indexOf(' new schema')
      const readerIsOld = oldAt >= 0 && (newAt < 0 || oldAt < newAt)
      reasons.push({
        type,
        path,
        message: info && !description.includes(info) ? `${description} (${info})` : description,
        hint: hintFor(type, info, readerIsOld),
      })
      continue
    }
    const v = VERSION.exec(text)
    if (v) {
      version = Number(v[1])
      continue
    }
    if (text.startsWith('{oldSchema:')) continue
    if (text.startsWith('{validateFields:') || text.startsWith('{compatibility:')) {
      level = LEVEL.exec(text)?.[1] ?? level
      continue
    }
    reasons.push({ type: 'OTHER', path: undefined, message: text, hint: 'see the message' })
  }
  return { reasons, version, level }
}

function hintFor(type: string, info: string, readerIsOld: boolean): string {
  switch (type) {
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return readerIsOld
        ? `do not remove field '${info}' while old readers need it, or give it a default in the old schema first`
        : `give the new field '${info}' a default (e.g. "type": ["null", ...], "default": null), or leave it out`
    case 'TYPE_MISMATCH':
      return 'keep the field type (only int→long→float→double and string↔bytes widen safely); for another type add a new field with a default'
    case 'MISSING_ENUM_SYMBOLS':
      return 'keep every existing enum symbol, or give the enum a "default" symbol that readers fall back to'
    case 'MISSING_UNION_BRANCH':
      return 'keep every branch of the existing union: add branches, never remove them'
    case 'NAME_MISMATCH':
      return 'keep the name and namespace of the type, or list the old full name in "aliases"'
    case 'FIXED_SIZE_MISMATCH':
      return 'keep the fixed size; a different size needs a new field with a default'
    default:
      return 'see the message'
  }
}

/** The top-level `{...}` items of a message that embeds several (a 409 answer); other text as is. */
function splitItems(message: string): string[] {
  const start = message.indexOf('[{')
  if (!message.includes('{errorType:') || start < 0) return [message]
  const items: string[] = []
  let depth = 0
  let from = -1
  for (let i = start + 1; i < message.length; i++) {
    const c = message[i]
    if (c === '{') {
      if (depth === 0) from = i
      depth++
    } else if (c === '}') {
      depth--
      if (depth === 0 && from >= 0) items.push(message.slice(from, i + 1))
    } else if (c === ']' && depth === 0) break
  }
  return items.length > 0 ? items : [message]
}
