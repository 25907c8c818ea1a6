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
}

export interface RegistrySchema {
  schema: string
  schemaType?: string
  references?: RegistrySchemaReference[]
}

export interface RegistrySubjectVersion extends RegistrySchema {
  subject: string
  id: number
  version: number
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
