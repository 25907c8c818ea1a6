import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { kafkitFixtures } from '../../common/test/fixtures/avro-corpora'
import { cliBin, fixtures, tempProject } from './helpers'

/* The real `kafkit` binary, as users run it. */

interface Run {
  code: number
  stdout: string
  stderr: string
}

function kafkit(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliBin, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})
function temp(): string {
  const p = tempProject('kafkit-cli-')
  cleanups.push(p.cleanup)
  return p.dir
}

describe('kafkit codegen', { timeout: 60_000 }, () => {
  it('generates from a schemas folder, --check passes, then names a stale file and exits 1', async () => {
    const dir = temp()
    const out = join(dir, 'gen')
    const topic = 'orders=com.kafkit.shop.Order,key=string,partitionKey=customerId'
    const schemas = join(fixtures, 'all-constructs')
    const first = await kafkit(['codegen', schemas, '--out', out, '--topic', topic], dir)
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('11 types, 1 topics from 4 files')
    expect(readdirSync(out).sort()).toEqual([
      'avro-definitions.ts',
      'com.kafkit.crm.avro.ts',
      'com.kafkit.events.avro.ts',
      'com.kafkit.shop.avro.ts',
      'index.ts',
      'topics.ts',
    ])
    const fresh = await kafkit(['codegen', schemas, '--out', out, '--topic', topic, '--check'], dir)
    expect(fresh.code).toBe(0)
    expect(fresh.stdout).toContain('up to date')

    writeFileSync(join(out, 'topics.ts'), `${readFileSync(join(out, 'topics.ts'), 'utf8')}// edited\n`)
    const stale = await kafkit(['codegen', schemas, '--out', out, '--topic', topic, '--check'], dir)
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain('stale: gen/topics.ts')
    expect(stale.stderr).not.toContain('index.ts')
    // --check wrote nothing.
    expect(readFileSync(join(out, 'topics.ts'), 'utf8')).toContain('// edited')

    const again = await kafkit(['codegen', schemas, '--out', out, '--topic', topic], dir)
    expect(again.stdout).toContain('1 written')
  })

  it('writes nothing and exits 1 on bad input, naming file and place', async () => {
    const dir = temp()
    const schemas = join(dir, 'schemas')
    cpSync(join(fixtures, 'all-constructs'), schemas, { recursive: true })
    cpSync(join(fixtures, 'bad', 'bad-default.avsc'), join(schemas, 'zz-bad.avsc'))
    const out = join(dir, 'gen')
    const run = await kafkit(['codegen', schemas, '--out', out], dir)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('KAFKIT_CODEGEN_BAD_DEFAULT')
    expect(run.stderr).toContain(`${join(schemas, 'zz-bad.avsc')} at /fields/1/default`)
    expect(existsSync(out)).toBe(false)
  })

  it('reports invalid JSON with line:col', async () => {
    const dir = temp()
    const run = await kafkit(
      ['codegen', join(fixtures, 'bad', 'invalid-json.avsc'), '--out', join(dir, 'gen')],
      dir,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('invalid-json.avsc at 6:3')
    expect(existsSync(join(dir, 'gen'))).toBe(false)
  })

  it('runs from a kafkit.config.ts (defineConfig) and writes to its out folder', async () => {
    const dir = temp()
    cpSync(join(fixtures, 'project'), join(dir, 'project'), { recursive: true })
    const run = await kafkit(['codegen', 'project'], dir)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const topics = readFileSync(join(dir, 'project', 'generated', 'topics.ts'), 'utf8')
    expect(topics).toContain("export const usersTopic: $k.TopicDescriptor<'users'")
    expect(topics).toContain("subjects: { key: 'com.kafkit.users.UserKey', value: 'com.kafkit.users.User' }")
    expect(topics).toContain("partitionKey: 'profile.region'")
    const check = await kafkit(['codegen', 'project/kafkit.config.ts', '--check'], dir)
    expect(check.code).toBe(0)
  })

  it('removes generated files that are no longer generated (and --check names them)', async () => {
    const dir = temp()
    const out = join(dir, 'gen')
    const own = kafkitFixtures.dir
    await kafkit(['codegen', join(own, 'multi-file/nested-namespaces'), '--out', out], dir)
    expect(existsSync(join(out, 'com.kafkit.geo.avro.ts'))).toBe(true)
    const check = await kafkit(['codegen', join(own, 'top-level-fixed.avsc'), '--out', out, '--check'], dir)
    expect(check.code).toBe(1)
    expect(check.stderr).toContain('stale (no longer generated): gen/com.kafkit.geo.avro.ts')
    const run = await kafkit(['codegen', join(own, 'top-level-fixed.avsc'), '--out', out], dir)
    expect(run.code).toBe(0)
    expect(existsSync(join(out, 'com.kafkit.geo.avro.ts'))).toBe(false)
    expect(existsSync(join(out, 'dev.kafkit.fixtures.fixed.avro.ts'))).toBe(true)
  })

  it('--watch regenerates when a schema changes', async () => {
    const dir = temp()
    const schemas = join(dir, 'schemas')
    cpSync(join(fixtures, 'project', 'schemas'), schemas, { recursive: true })
    const out = join(dir, 'gen')
    const child: ChildProcess = spawn(
      process.execPath,
      [cliBin, 'codegen', schemas, '--out', out, '--watch'],
      { cwd: dir },
    )
    cleanups.push(() => child.kill('SIGKILL'))
    let stdout = ''
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString()
    })
    const waitFor = async (predicate: () => boolean) => {
      while (!predicate()) await new Promise((r) => setTimeout(r, 50))
    }
    await waitFor(() => stdout.includes('watching'))
    expect(readFileSync(join(out, 'com.kafkit.users.avro.ts'), 'utf8')).not.toContain('Extra')
    writeFileSync(
      join(schemas, 'extra.avsc'),
      JSON.stringify({
        type: 'record',
        name: 'Extra',
        namespace: 'com.kafkit.users',
        fields: [{ name: 'a', type: 'int' }],
      }),
    )
    await waitFor(
      () =>
        existsSync(join(out, 'com.kafkit.users.avro.ts')) &&
        readFileSync(join(out, 'com.kafkit.users.avro.ts'), 'utf8').includes('export interface Extra'),
    )
    // A bad edit is reported and the watcher keeps going.
    writeFileSync(join(schemas, 'extra.avsc'), '{ not json')
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    await waitFor(() => stderr.includes('KAFKIT_CODEGEN_INVALID_JSON'))
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGINT')
    await exited
  })

  it("follows the output folder's tsconfig: .js imports under NodeNext, none otherwise; flag and config key override", async () => {
    const dir = temp()
    const schemas = join(fixtures, 'all-constructs')
    writeFileSync(
      join(dir, 'tsconfig.json'),
      '{ "compilerOptions": { "module": "NodeNext" } } // a Node ESM app\n',
    )
    const index = (out: string) => readFileSync(join(dir, out, 'index.ts'), 'utf8')
    expect((await kafkit(['codegen', schemas, '--out', 'gen'], dir)).code).toBe(0)
    expect(index('gen')).toContain("export * from './topics.js'")
    expect(
      (await kafkit(['codegen', schemas, '--out', 'plain', '--import-extension', 'none'], dir)).code,
    ).toBe(0)
    expect(index('plain')).toContain("export * from './topics'\n")
    // A config whose out folder lies in the NodeNext project; its importExtension key wins over the tsconfig.
    cpSync(join(fixtures, 'project'), join(dir, 'project'), { recursive: true })
    expect((await kafkit(['codegen', 'project'], dir)).code).toBe(0)
    expect(index('project/generated')).toContain("export * from './topics.js'")
    const config = join(dir, 'project', 'kafkit.config.ts')
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        "out: './generated',",
        "out: './generated',\n  importExtension: 'none',",
      ),
    )
    expect((await kafkit(['codegen', 'project'], dir)).code).toBe(0)
    expect(index('project/generated')).toContain("export * from './topics'\n")
  })

  it('--decimal big.js maps decimals to Big, and warns (exit 0) where big.js cannot be found', async () => {
    const schemas = join(fixtures, 'big-decimals')
    // Inside a project that has big.js and @types/big.js (the repo's node_modules): no warning.
    const dir = temp()
    const ok = await kafkit(['codegen', schemas, '--out', join(dir, 'gen'), '--decimal', 'big.js'], dir)
    expect(ok.stderr).toBe('')
    expect(ok.code).toBe(0)
    expect(readFileSync(join(dir, 'gen', 'dev.kafkit.pay.avro.ts'), 'utf8')).toContain(
      "import $Big from 'big.js'",
    )
    // A folder with no node_modules anywhere above it.
    const bare = mkdtempSync(join(tmpdir(), 'kafkit-cli-no-big-'))
    cleanups.push(() => rmSync(bare, { recursive: true, force: true }))
    const warned = await kafkit(['codegen', schemas, '--out', join(bare, 'gen'), '--decimal', 'big.js'], bare)
    expect(warned.code).toBe(0)
    expect(warned.stderr).toMatch(
      /^kafkit codegen: warning: logicalTypes.decimal is 'big.js'.*npm install big.js/,
    )
    // With a config, the mapping belongs in it.
    cpSync(join(fixtures, 'project'), join(dir, 'project'), { recursive: true })
    const refused = await kafkit(['codegen', 'project', '--decimal', 'big.js'], dir)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("logicalTypes: { decimal: 'big.js' }")
  })

  it('fails with exit 1 when no --out is given without a config', async () => {
    const dir = temp()
    const run = await kafkit(['codegen', join(fixtures, 'project', 'schemas')], dir)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('--out')
  })
})
