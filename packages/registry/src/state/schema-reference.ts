/** A reference from a schema to a named type registered under another subject. */
export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}
