import type { CompatibilityLevel } from '../compatibility'
import type { DataContractConfig, Metadata, RuleSet } from './data-contract'
import type { SchemaReference } from './schema-reference'

export type { SchemaReference } from './schema-reference'

export type RegistryMode = 'READWRITE' | 'READONLY' | 'IMPORT'
export const REGISTRY_MODES: readonly RegistryMode[] = Object.freeze(['READWRITE', 'READONLY', 'IMPORT'])

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
      /** As sent (sorted); absent means "inherit the previous version's", as Confluent. */
      readonly metadata?: Metadata
      readonly ruleSet?: RuleSet
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
  | {
      /** A partial config update (Confluent 8's PUT /config body): fields given replace, the rest stay. */
      readonly op: 'updateConfig'
      readonly subject: string | null
      readonly compatibility?: CompatibilityLevel
      readonly config: DataContractConfig
    }
  | AssociationCommand
  | {
      readonly op: 'deleteAssociations'
      readonly resourceId: string
      readonly resourceType: string | null
      readonly associationTypes: readonly string[] | null
    }

/** Binds a resource (a topic) to subjects; `create` refuses to replace an existing binding. */
export interface AssociationCommand {
  readonly op: 'putAssociations'
  readonly create: boolean
  readonly resourceName: string
  readonly resourceNamespace: string
  readonly resourceId: string
  readonly resourceType: string
  /** Set by the proposer so every instance stores the same values. */
  readonly timestamp: number
  readonly associations: ReadonlyArray<{
    readonly subject: string
    readonly associationType: string
    readonly lifecycle: 'STRONG' | 'WEAK'
    readonly frozen: boolean
    readonly guid: string
  }>
}

/** An association as Confluent's API shows it. */
export interface Association {
  subject: string
  guid: string
  resourceName: string
  resourceNamespace: string
  resourceId: string
  resourceType: string
  associationType: string
  lifecycle: 'STRONG' | 'WEAK'
  frozen: boolean
  createTimestamp: number
  updateTimestamp: number
}

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
  guid: string
  schema: string
  references?: SchemaReference[]
  metadata?: Record<string, unknown>
  ruleSet?: Record<string, unknown>
}

export interface SchemaView {
  schema: string
  schemaType?: string
  references?: SchemaReference[]
  metadata?: Record<string, unknown>
  ruleSet?: Record<string, unknown>
  guid?: string
}
