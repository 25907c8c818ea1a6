import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generate } from '@kafkit/codegen'

/**
 * Files of the committed generated code that differ from what `kafkit codegen` produces now for
 * the example's kafkit config (the same check as `kafkit codegen <dir> --check`). Empty = up to date.
 */
export async function generatedDrift(exampleDir: string): Promise<string[]> {
  const result = await generate({ config: exampleDir })
  if (!result.out) throw new Error(`${exampleDir}: the kafkit config must name an "out" folder`)
  const stale: string[] = []
  for (const file of result.files) {
    const current = await readFile(join(result.out, file.path), 'utf8').catch(() => undefined)
    if (current !== file.contents) stale.push(file.path)
  }
  return stale
}
