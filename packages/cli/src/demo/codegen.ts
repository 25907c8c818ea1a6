import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type GenerateResult, generate } from '@kafkit/codegen'
import { demoConfig, orderPlacedV1 } from './schemas'

/**
 * Writes the demo project (schema + kafkit.config.json) into `dir` and runs codegen on it, writing
 * the generated modules to `dir/generated`. Same input, byte-identical output as `generated/` here.
 */
export async function runDemoCodegen(dir: string): Promise<GenerateResult> {
  await mkdir(join(dir, 'schemas'), { recursive: true })
  await writeFile(join(dir, 'schemas', 'order-placed.avsc'), `${JSON.stringify(orderPlacedV1, null, 2)}\n`)
  await writeFile(join(dir, 'kafkit.config.json'), `${JSON.stringify(demoConfig, null, 2)}\n`)
  const result = await generate({ config: dir })
  for (const file of result.files) {
    const target = join(dir, 'generated', file.path)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, file.contents)
  }
  return result
}
