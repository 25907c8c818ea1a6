import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CodegenError, defineConfig, loadKafkitConfig } from '@kafkit/codegen'
import { afterEach, describe, expect, it } from 'vitest'
import { fixtures, tempProject } from './helpers'

const projects: { cleanup: () => void }[] = []
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup()
})

/** A temp project holding the fixture schemas and the given config file. */
function project(configName: string, config: string): string {
  const p = tempProject('kafkit-config-')
  projects.push(p)
  cpSync(join(fixtures, 'project', 'schemas'), join(p.dir, 'schemas'), { recursive: true })
  writeFileSync(join(p.dir, configName), config)
  return p.dir
}

const topics = {
  users: { key: 'string', value: 'com.kafkit.users.User', partitionKey: 'profile.region' },
  'users.by-key': {
    key: 'com.kafkit.users.UserKey',
    value: 'com.kafkit.users.User',
    subjectNameStrategy: 'record',
  },
  'user-events': { key: 'null', value: 'com.kafkit.users.User', subjectNameStrategy: 'topic-record' },
}

describe('loadKafkitConfig', { timeout: 60_000 }, () => {
  it('loads a JSON config from its folder: schemas, subjects per strategy, partition key', async () => {
    const dir = project('kafkit.config.json', JSON.stringify({ schemas: 'schemas', out: 'gen', topics }))
    const config = await loadKafkitConfig(dir)
    expect(config.configPath).toBe(join(dir, 'kafkit.config.json'))
    expect(config.out).toBe(join(dir, 'gen'))
    expect(config.longMode).toBe('number')
    const byName = Object.fromEntries(config.topics.map((t) => [t.name, t]))
    expect(Object.keys(byName)).toEqual(['user-events', 'users', 'users.by-key'])
    expect(byName.users!.subjects).toEqual({ key: undefined, value: 'users-value' })
    expect(byName.users!.partitionKey).toBe('profile.region')
    expect(byName['users.by-key']!.subjects).toEqual({
      key: 'com.kafkit.users.UserKey',
      value: 'com.kafkit.users.User',
    })
    expect(byName['user-events']!.subjects).toEqual({
      key: undefined,
      value: 'user-events-com.kafkit.users.User',
    })
    expect(byName['user-events']!.key).toEqual({ kind: 'null' })
    const value = byName.users!.value
    expect(value.kind).toBe('avro')
    // The resolved schema is self-contained: nested Profile is inlined.
    expect(JSON.stringify(value.kind === 'avro' ? value.schema : null)).toContain('"name":"Profile"')
  })

  it('loads a TypeScript config (typed with defineConfig)', async () => {
    const config = defineConfig({
      schemas: './schemas',
      longMode: 'bigint',
      topics: { t: { value: 'com.kafkit.users.User' } },
    })
    const dir = project('kafkit.config.ts', `export default ${JSON.stringify(config)} as const\n`)
    const loaded = await loadKafkitConfig(join(dir, 'kafkit.config.ts'))
    expect(loaded.longMode).toBe('bigint')
    expect(loaded.topics[0]!.subjects.value).toBe('t-value')
  })

  it('loads a JavaScript config', async () => {
    const dir = project(
      'kafkit.config.mjs',
      `export default { schemas: ['schemas'], topics: { t: { value: 'com.kafkit.users.User', key: 'null' } } }\n`,
    )
    const loaded = await loadKafkitConfig(dir)
    expect(loaded.configPath).toBe(join(dir, 'kafkit.config.mjs'))
    expect(loaded.topics[0]!.key).toEqual({ kind: 'null' })
  })

  const failure = async (config: unknown): Promise<CodegenError> => {
    const dir = project('kafkit.config.json', JSON.stringify(config))
    const error = await loadKafkitConfig(dir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CodegenError)
    expect((error as CodegenError).file).toBe(join(dir, 'kafkit.config.json'))
    return error as CodegenError
  }

  it('rejects a config zod does not accept, naming the field', async () => {
    const e = await failure({
      schemas: 'schemas',
      topics: { t: { value: 'x', subjectNameStrategy: 'by-magic' } },
    })
    expect(e.code).toBe('KAFKIT_CODEGEN_INVALID_CONFIG')
    expect(e.message).toContain('topics.t.subjectNameStrategy')
  })

  it('rejects a topic type that is not defined, suggesting the full name', async () => {
    const e = await failure({ schemas: 'schemas', topics: { t: { value: 'User' } } })
    expect(e.place).toBe('topics.t.value')
    expect(e.message).toContain('did you mean com.kafkit.users.User')
  })

  it('rejects a partition key that is not a field of the value record', async () => {
    const e = await failure({
      schemas: 'schemas',
      topics: { t: { value: 'com.kafkit.users.User', partitionKey: 'profile.country' } },
    })
    expect(e.place).toBe('topics.t.partitionKey')
    expect(e.message).toContain('com.kafkit.users.Profile has no field country (fields: region)')
    const notRecord = await failure({
      schemas: 'schemas',
      topics: { t: { value: 'string', partitionKey: 'x' } },
    })
    expect(notRecord.message).toContain('must be an Avro record')
  })

  it('record strategy needs a named type on Avro sides only', async () => {
    const dir = project(
      'kafkit.config.json',
      JSON.stringify({
        schemas: 'schemas',
        topics: { t: { key: 'bytes', value: 'com.kafkit.users.User', subjectNameStrategy: 'record' } },
      }),
    )
    const config = await loadKafkitConfig(dir)
    expect(config.topics[0]!.subjects).toEqual({ key: undefined, value: 'com.kafkit.users.User' })
  })

  it('says which names it looked for when there is no config', async () => {
    const p = tempProject('kafkit-config-')
    projects.push(p)
    const error = (await loadKafkitConfig(p.dir).catch((e: unknown) => e)) as CodegenError
    expect(error.code).toBe('KAFKIT_CODEGEN_INVALID_CONFIG')
    expect(error.message).toContain('kafkit.config.ts')
  })
})
