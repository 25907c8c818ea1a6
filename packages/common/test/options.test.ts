import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { KafkitError, parseOptions } from '../src/index'

const schema = z
  .object({
    retry: z.object({ attempts: z.number().int().min(1).default(3) }).default({ attempts: 3 }),
    config: z.record(z.string(), z.string()).default({}),
  })
  .strict()

class PackageError extends KafkitError {}

describe('parseOptions (the one options parser)', () => {
  it('applies defaults and freezes the result', () => {
    const o = parseOptions(schema, {}, { what: 'test' })
    expect(o).toEqual({ retry: { attempts: 3 }, config: {} })
    expect(Object.isFrozen(o)).toBe(true)
  })

  it('lists every problem with its path (dotted keys in brackets) under KAFKIT_INVALID_OPTIONS', () => {
    let caught: unknown
    try {
      parseOptions(schema, { retry: { attempts: 0 }, config: { 'log.dirs': 5 }, extra: 1 }, { what: 'test' })
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(KafkitError)
    const e = caught as KafkitError
    expect(e.code).toBe('KAFKIT_INVALID_OPTIONS')
    expect(e.message).toMatch(/^invalid test options: /)
    const paths = (e.details.issues as { path: string }[]).map((i) => i.path).sort()
    expect(paths).toEqual(['(options)', 'config["log.dirs"]', 'retry.attempts'])
  })

  it("throws the package's own error class when given a factory", () => {
    expect(() =>
      parseOptions(
        schema,
        { retry: { attempts: -1 } },
        {
          what: 'test',
          error: (message, options) => new PackageError('KAFKIT_INVALID_OPTIONS', message, options),
        },
      ),
    ).toThrow(PackageError)
  })
})
