import type { CompatibilityLevel } from '../compatibility'

export type RegistryMode = 'READWRITE' | 'READONLY' | 'IMPORT'
export const REGISTRY_MODES: readonly RegistryMode[] = Object.freeze(['READWRITE', 'READONLY', 'IMPORT'])

/** A reference from a schema to a named type registered under another subject. */
export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

/**
 * One change in the ordered log. Commands, not outcomes: every instance applies them in log
 * order with the same deterministic rules, so ids and versions come out identical everywhere.
 */
export type RegistryCommand =
  | {
      readonly op: 'register'
      readonly subject: string
      readonly schema: string
      readonly schemaType: string
      readonly references: readonly SchemaReference[]
      readonly normalize: boolean
      /** Only honoured in IMPORT mode (or when it matches the id the schema already has). */
      readonly id?: number
      readonly version?: number
    }
  | {
      readonly op: 'deleteVersion'
      readonly subject: string
      readonly version: number | 'latest'
      readonly permanent: boolean
    }
  | { readonly op: 'deleteSubject'; readonly subject: string; readonly permanent: boolean }
  | { readonly op: 'setConfig'; readonly subject: string | null; readonly compatibility: CompatibilityLevel }
  | { readonly op: 'deleteConfig'; readonly subject: string | null }
  | {
      readonly op: 'setMode'
      readonly subject: string | null
      readonly mode: RegistryMode
      readonly force: boolean
    }
  | { readonly op: 'deleteMode'; readonly subject: string }

/** What a log backend stores: the command plus the id the proposer waits for. */
export interface LogRecord {
  readonly proposalId: string
  readonly command: RegistryCommand
}

/** A schema as the API shows it under a subject. */
export interface SubjectVersionView {
  subject: string
  version: number
  id: number
  schemaType?: string
  schema: string
  references?: SchemaReference[]
}

export interface SchemaView {
  schema: string
  schemaType?: string
  references?: SchemaReference[]
}
