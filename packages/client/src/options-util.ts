import type { z } from 'zod'
import { ClientError } from './errors'

/** Validates options once with zod; the result is frozen so nothing changes them later. */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): Readonly<z.output<S>> {
  const result = schema.safeParse(input)
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }))
    const list = issues.map((i) => `${i.path || '(options)'}: ${i.message}`).join('; ')
    throw new ClientError('KAFKIT_CLIENT_INVALID_OPTIONS', `invalid ${what} options: ${list}`, {
      details: { issues },
    })
  }
  return Object.freeze(result.data)
}
