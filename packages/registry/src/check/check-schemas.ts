import { readdir, readFile } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { KafkitError } from '@kafkit/common'
import {
  type CompatibilityReason,
  parseCompatibilityMessages,
  type RegistryClient,
  RegistryHttpError,
} from '@kafkit/registry-client'

/** One local schema to check: the subject it belongs to and its text. */
export interface SchemaCheckEntry {
  subject: string
  schema: string
  /** Where it came from (file path or config topic), for the report. */
  source: string
}

export type SchemaCheckStatus = 'OK' | 'NEW' | 'INCOMPATIBLE' | 'INVALID'

export interface SchemaCheckResult extends SchemaCheckEntry {
  status: SchemaCheckStatus
  /** The registered version the schema was checked against (INCOMPATIBLE), when the registry said. */
  version: number | undefined
  /** The compatibility level the registry applied (INCOMPATIBLE), when it said. */
  level: string | undefined
  /** Why it is INCOMPATIBLE / INVALID: each broken rule with its JSON pointer and a hint how to fix it. */
  reasons: CompatibilityReason[]
  /** The registry's own messages, verbatim (Confluent's verbose strings, including the old schema). */
  messages: string[]
}

const noReasons = { version: undefined, level: undefined, reasons: [], messages: [] }

/**
 * Asks the registry whether each local schema may become the subject's next version. Only
 * standard read endpoints are used (versions list, compatibility test): it never registers
 * anything and never changes config, so it is safe as a CI gate against any Confluent registry.
 */
export async function checkSchemas(
  client: RegistryClient,
  entries: readonly SchemaCheckEntry[],
): Promise<SchemaCheckResult[]> {
  const results: SchemaCheckResult[] = []
  for (const entry of entries) {
    try {
      await client.listVersions(entry.subject)
    } catch (error) {
      if (error instanceof RegistryHttpError && (error.errorCode === 40401 || error.errorCode === 40402)) {
        results.push({ ...entry, status: 'NEW', ...noReasons })
        continue
      }
      throw error
    }
    try {
      const answer = await client.testCompatibility(entry.subject, entry.schema, {
        version: 'latest',
        verbose: true,
      })
      if (answer.isCompatible) {
        results.push({ ...entry, status: 'OK', ...noReasons })
      } else {
        const parsed = parseCompatibilityMessages(answer.messages)
        results.push({ ...entry, status: 'INCOMPATIBLE', ...parsed, messages: answer.messages })
      }
    } catch (error) {
      if (error instanceof RegistryHttpError && error.errorCode === 42201) {
        results.push({
          ...entry,
          status: 'INVALID',
          version: undefined,
          level: undefined,
          reasons: [
            {
              type: 'INVALID_SCHEMA',
              path: undefined,
              message: error.message,
              hint: 'fix the schema so it parses as Avro (the message names the problem)',
            },
          ],
          messages: [error.message],
        })
        continue
      }
      throw error
    }
  }
  return results
}

export type FolderSubjectStrategy = 'basename' | 'record'

/**
 * Collects the .avsc files under a folder (recursively). The subject is `<file basename>-value`
 * (strategy `basename`) or the schema's full record name (`record`); `mapping` (file basename or
 * relative path → subject) overrides both.
 */
export async function collectFolderSchemas(
  dir: string,
  options: { strategy?: FolderSubjectStrategy; mapping?: Readonly<Record<string, string>> } = {},
): Promise<SchemaCheckEntry[]> {
  const strategy = options.strategy ?? 'basename'
  const files: string[] = []
  const walk = async (d: string) => {
    for (const item of await readdir(d, { withFileTypes: true })) {
      if (item.name.startsWith('.') || item.name === 'node_modules') continue
      const path = join(d, item.name)
      if (item.isDirectory()) await walk(path)
      else if (item.name.endsWith('.avsc')) files.push(path)
    }
  }
  await walk(dir)
  files.sort()
  const entries: SchemaCheckEntry[] = []
  for (const file of files) {
    const schema = await readFile(file, 'utf8')
    const rel = relative(dir, file)
    const base = basename(file, '.avsc')
    let subject = options.mapping?.[rel] ?? options.mapping?.[base] ?? options.mapping?.[basename(file)]
    if (subject === undefined && strategy === 'record') {
      let json: unknown
      try {
        json = JSON.parse(schema)
      } catch (cause) {
        throw new KafkitError(
          'KAFKIT_INVALID_OPTIONS',
          `${file} is not valid JSON: ${(cause as Error).message}`,
          {
            cause,
          },
        )
      }
      const named = json as { name?: unknown; namespace?: unknown }
      if (typeof named?.name !== 'string') {
        throw new KafkitError(
          'KAFKIT_INVALID_OPTIONS',
          `${file} has no top-level named type, so the record strategy cannot name its subject; map it with --subject ${base}=SUBJECT`,
        )
      }
      subject =
        named.name.includes('.') || typeof named.namespace !== 'string' || named.namespace === ''
          ? named.name
          : `${named.namespace}.${named.name}`
    }
    entries.push({ subject: subject ?? `${base}-value`, schema, source: rel })
  }
  return entries
}
