import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { registryHttpSuite } from './helpers/http-suite'

registryHttpSuite('memory', async () => ({ store: { type: 'memory' } }))

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

registryHttpSuite('file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-registry-api-'))
  dirs.push(dir)
  return { store: { type: 'file', dir } }
})
