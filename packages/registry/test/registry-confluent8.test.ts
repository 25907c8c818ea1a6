import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { confluent8Suite } from './helpers/confluent8-suite'

confluent8Suite('memory', async () => ({ store: { type: 'memory' } }))

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

confluent8Suite('file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kafkit-registry-c8-'))
  dirs.push(dir)
  return { store: { type: 'file', dir } }
})
