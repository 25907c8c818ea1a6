/** The text registered for a schema: compact JSON of the descriptor's self-contained schema. */
export function schemaText(schema: unknown): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema)
}
