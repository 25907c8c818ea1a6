import { parseOptions } from '@kafkit/common'
import { z } from 'zod'

export const registryClientOptionsSchema = z.object({
  /** Base URL(s) of the registry; on network errors the next one is tried. */
  url: z.union([z.string().url(), z.array(z.string().url()).min(1)]),
  /** HTTP basic credentials. */
  auth: z.object({ username: z.string().min(1), password: z.string() }).optional(),
  /** Per-request timeout. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Extra attempts after a network error or a retriable (5xx/429) answer. */
  retries: z.number().int().min(0).max(20).default(2),
  /** Delay before the first retry; doubles each time. */
  retryDelayMs: z.number().int().min(0).default(100),
  headers: z.record(z.string(), z.string()).default({}),
  /** fetch implementation (defaults to the global one). */
  fetch: z.custom<typeof fetch>((v) => typeof v === 'function', 'a fetch function').optional(),
})

export type RegistryClientOptions = z.input<typeof registryClientOptionsSchema>
export type ResolvedRegistryClientOptions = Readonly<z.output<typeof registryClientOptionsSchema>> & {
  readonly urls: readonly string[]
}

export function resolveClientOptions(options: RegistryClientOptions): ResolvedRegistryClientOptions {
  const parsed = parseOptions(registryClientOptionsSchema, options, { what: 'RegistryClient' })
  const urls = (Array.isArray(parsed.url) ? parsed.url : [parsed.url]).map((u) => u.replace(/\/+$/, ''))
  return Object.freeze({ ...parsed, urls: Object.freeze(urls) })
}
