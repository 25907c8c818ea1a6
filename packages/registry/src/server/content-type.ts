// Content negotiation: the three JSON media types a Confluent-compatible registry speaks.

export const CONTENT_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
] as const

/**
 * Whether an Accept header admits one of our JSON types (wildcards and q-values honoured). Like
 * Confluent and Karapace, anything else (text/html, application/xml) gets 406.
 */
export function acceptable(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    if (q !== undefined && Number(q.slice(2)) === 0) continue
    if (range === '*/*' || range === 'application/*' || range === '*') return true
    if ((CONTENT_TYPES as readonly string[]).includes(range)) return true
  }
  return false
}

/** Picks the response content type from Accept, defaulting to Confluent's v1 type. */
export function responseType(accept: string | undefined): string {
  if (accept) {
    for (const part of accept.split(',')) {
      const type = part.split(';')[0]?.trim().toLowerCase()
      if ((CONTENT_TYPES as readonly string[]).includes(type ?? '')) return type as string
    }
  }
  return CONTENT_TYPES[0]
}
