export interface RegistrySchemaReference {
  name: string
  subject: string
  version: number
}

/** A schema to send: the text (or a JSON value, which is stringified), its type and references. */
export interface RegistrySchemaInput {
  schema: string | object
  schemaType?: string
  references?: RegistrySchemaReference[]
  /** Confluent data-contract metadata: `{properties, tags, sensitive}`. */
  metadata?: Record<string, unknown>
  /** Confluent data-contract rules: `{domainRules, migrationRules, encodingRules}`. */
  ruleSet?: Record<string, unknown>
}

export interface RegistrySchema {
  schema: string
  schemaType?: string
  references?: RegistrySchemaReference[]
  metadata?: Record<string, unknown>
  ruleSet?: Record<string, unknown>
  /** The schema's GUID (Confluent 8 servers). */
  guid?: string
}

export interface RegistrySubjectVersion extends RegistrySchema {
  subject: string
  id: number
  version: number
}

export interface RegistryAssociation {
  subject: string
  guid: string
  resourceName: string
  resourceNamespace: string
  resourceId: string
  resourceType: string
  associationType: 'key' | 'value'
  lifecycle: 'STRONG' | 'WEAK'
  frozen: boolean
}

export interface RegistryAssociationRequest {
  resourceName: string
  resourceNamespace?: string
  resourceId?: string
  resourceType?: 'topic'
  associations: Array<{
    subject: string
    associationType?: 'key' | 'value'
    lifecycle?: 'STRONG' | 'WEAK'
    frozen?: boolean
  }>
}

export interface CompatibilityTestResult {
  isCompatible: boolean
  messages: string[]
}

export type RegistryCompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
