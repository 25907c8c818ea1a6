import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { engineFromEnv } from '@kafkit/client/engine'
import { startRegistry } from '@kafkit/registry'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { deleteTopics, endOffsets, suffix, waitFor } from '../../../integration-tests/fault/kafka-tools'
import { type ServiceProcess, spawnService } from '../../../integration-tests/fault/service-process'

/**
 * The proof of "Use Kafkit in your service": this example is installed the way a user installs
 * Kafkit, from `npm pack` tarballs into a folder outside the workspace that already depends on
 * zod 3, once with npm's hoisted layout and once isolated (`--install-strategy=linked`, where only
 * direct dependencies are reachable, as with pnpm). It must generate, compile under NodeNext strict,
 * process its records against the test broker, and exit 0 by itself after SIGTERM.
 */

const repo = fileURLToPath(new URL('../../../', import.meta.url))
const example = fileURLToPath(new URL('..', import.meta.url))
// Publish order does not matter to npm; every @kafkit package the CLI pulls in is packed.
const PACKAGES = ['common', 'registry-client', 'registry', 'codegen', 'client', 'kafka-local', 'cli'] as const
const ORDERS = 1000
const BLOCKED = ORDERS / 100
/** Orders per extra Node line: enough to start, produce, consume as a group and drain; none blocked. */
const LINE_ORDERS = 20
const ENGINE = engineFromEnv()

// npm run from `npm test` exports npm_* settings (workspace, prefix) that must not leak into the app.
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v
  return { ...env, ...extra }
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 600_000): Promise<string> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd, env: cleanEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`${cmd} ${args.join(' ')} in ${cwd} failed: ${error.message}\n${stdout}\n${stderr}`),
          )
        else {
          // The setup is slow by nature (build, pack, install): show where the time goes.
          console.log(
            `[your-service] ${cmd.split('/').pop()} ${args.slice(0, 2).join(' ')}: ${Date.now() - started} ms`,
          )
          resolve(stdout)
        }
      },
    )
  })
}

interface NpmTree {
  dependencies?: Record<string, NpmTree>
}

/** `npm ls` exits 1 on any tree problem (an override, say) but its JSON is still the tree. */
function runAllowingFailure(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 }, (_error, stdout) =>
      resolve(stdout),
    )
  })
}

/** Builds each package with its own tsup config into a staging copy (never into the repo) and packs them. */
async function packAll(work: string): Promise<Record<(typeof PACKAGES)[number], string>> {
  const tarballs = join(work, 'tarballs')
  mkdirSync(tarballs, { recursive: true })
  const stages = PACKAGES.map((name) => join(work, 'stage', name))
  for (const [i, name] of PACKAGES.entries()) {
    const src = join(repo, 'packages', name)
    const stage = stages[i] as string
    await run(join(repo, 'node_modules', '.bin', 'tsup'), ['--out-dir', join(stage, 'dist'), '--silent'], src)
    for (const entry of ['package.json', 'src', 'bin', 'README.md', 'LICENSE']) {
      if (existsSync(join(src, entry))) cpSync(join(src, entry), join(stage, entry), { recursive: true })
    }
  }
  // One npm run for all six: npm's own start-up is seconds.
  const packed = JSON.parse(
    await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...stages], work),
  )
  const out = {} as Record<(typeof PACKAGES)[number], string>
  for (const [i, name] of PACKAGES.entries()) out[name] = join(tarballs, packed[i].filename)
  return out
}

/** A fresh app folder: the example's sources without its generated code, depending on the tarballs. */
function createApp(work: string, layout: string, tgz: Record<(typeof PACKAGES)[number], string>): string {
  const app = join(work, `app-${layout}`)
  mkdirSync(app, { recursive: true })
  for (const entry of ['kafkit.config.ts', 'tsconfig.json', 'schemas', 'src']) {
    cpSync(join(example, entry), join(app, entry), { recursive: true })
  }
  rmSync(join(app, 'src', 'generated'), { recursive: true, force: true })
  const pkg = JSON.parse(readFileSync(join(example, 'package.json'), 'utf8'))
  const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'))
  pkg.name = 'billing-service'
  // big.js: the app's own choice (logicalTypes.decimal), an optional peer of @kafkit/client.
  pkg.dependencies = {
    '@kafkit/client': `file:${tgz.client}`,
    'big.js': pkg.dependencies['big.js'],
    zod: pkg.dependencies.zod,
  }
  pkg.devDependencies = {
    '@kafkit/codegen': `file:${tgz.codegen}`,
    '@types/big.js': pkg.devDependencies['@types/big.js'],
    kafkit: `file:${tgz.cli}`,
    typescript: rootPkg.devDependencies.typescript,
    '@types/node': rootPkg.devDependencies['@types/node'],
  }
  // Not published: the transitive @kafkit packages come from the tarballs too.
  pkg.overrides = {
    '@kafkit/common': `file:${tgz.common}`,
    '@kafkit/registry-client': `file:${tgz['registry-client']}`,
    '@kafkit/registry': `file:${tgz.registry}`,
    '@kafkit/kafka-local': `file:${tgz['kafka-local']}`,
  }
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  return app
}

function startService(app: string, env: Record<string, string>, node = process.execPath): ServiceProcess {
  return spawnService(node, ['dist/main.js'], { cwd: app, env: cleanEnv(env) })
}

/** A Node binary of another supported major line, from npm (`npx -p node@NN`, cached after the first time). */
async function nodeOfLine(major: string, cwd: string): Promise<string> {
  const out = await run(
    'npx',
    ['--yes', '--package', `node@${major}`, '--', 'node', '-p', 'process.version + " " + process.execPath'],
    cwd,
  )
  const [version, path] = out.trim().split(' ') as [string, string]
  expect(version.startsWith(`v${major}.`), `${out} is not Node ${major}`).toBe(true)
  return path
}

const sum = (m: Map<number, string>) => [...m.values()].reduce((a, b) => a + Number(b), 0)
const total = async (brokers: string[], topic: string) =>
  sum(await endOffsets(brokers, topic).catch(() => new Map()))

describe('examples/your-service installed from npm pack tarballs (outside the workspace, app on zod 3)', () => {
  const brokers = inject('kafkaBrokers')
  const work = mkdtempSync(join(tmpdir(), 'kafkit-your-service-'))
  const topics: string[] = []
  const services: ServiceProcess[] = []
  let tgz: Record<(typeof PACKAGES)[number], string>
  let registry: Awaited<ReturnType<typeof startRegistry>>

  beforeAll(async () => {
    registry = await startRegistry({ port: 0 })
    tgz = await packAll(work)
  }, 900_000)

  afterAll(async () => {
    for (const s of services)
      if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL')
    await deleteTopics(brokers, topics)
    await registry?.close()
    rmSync(work, { recursive: true, force: true })
  })

  it('a producer-only install (@kafkit/client alone) pulls in no web server and no registry server code', async () => {
    const app = join(work, 'app-client-only')
    mkdirSync(app, { recursive: true })
    const pkg = {
      name: 'client-only',
      private: true,
      type: 'module',
      dependencies: { '@kafkit/client': `file:${tgz.client}` },
      overrides: {
        '@kafkit/common': `file:${tgz.common}`,
        '@kafkit/registry-client': `file:${tgz['registry-client']}`,
      },
    }
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app)
    const tree = JSON.parse(await runAllowingFailure('npm', ['ls', '--all', '--json'], app)) as NpmTree
    const names = new Set<string>()
    const walk = (t: NpmTree) => {
      for (const [name, child] of Object.entries(t.dependencies ?? {})) {
        names.add(name)
        walk(child)
      }
    }
    walk(tree)
    expect(names.has('@kafkit/client')).toBe(true)
    expect(names.has('@kafkit/registry-client')).toBe(true)
    expect([...names].filter((n) => /^(fastify|@fastify\/|@kafkit\/registry$)/.test(n))).toEqual([])
    // And it loads: a producer's import of the client works without them.
    const loaded = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const c = await import('@kafkit/client'); console.log(typeof c.createProducer)",
      ],
      app,
    )
    expect(loaded.trim()).toBe('function')
  }, 900_000)

  let built: string | undefined
  for (const layout of ['hoisted', 'linked'] as const) {
    it(`${layout} install: codegen, NodeNext strict build, ${ORDERS} orders processed, exit 0 after SIGTERM`, async () => {
      const app = createApp(work, layout, tgz)
      await run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', `--install-strategy=${layout}`],
        app,
      )
      // The app keeps its own zod 3; with the isolated layout it cannot even see @kafkit/common.
      expect(
        JSON.parse(readFileSync(join(app, 'node_modules', 'zod', 'package.json'), 'utf8')).version,
      ).toMatch(/^3\./)
      expect(existsSync(join(app, 'node_modules', '@kafkit', 'common'))).toBe(layout === 'hoisted')

      // prebuild runs `kafkit codegen .`, then tsc (module/moduleResolution NodeNext, strict).
      await run('npm', ['run', 'build'], app)
      expect(existsSync(join(app, 'src', 'generated', 'topics.ts'))).toBe(true)
      // What CI runs: the committed (here: just generated) code matches the schemas.
      await run(join(app, 'node_modules', '.bin', 'kafkit'), ['codegen', '.', '--check'], app)

      const id = `-${layout}-${suffix()}`
      const orders = `orders${id}`
      const invoices = `invoices${id}`
      topics.push(orders, invoices, `${orders}-dlt`)
      const service = startService(app, {
        KAFKA_BROKERS: brokers.join(','),
        REGISTRY_URL: registry.url,
        SEED_ORDERS: String(ORDERS),
        TOPIC_SUFFIX: id,
      })
      services.push(service)
      await waitFor(
        async () =>
          (await total(brokers, invoices)) === ORDERS - BLOCKED &&
          (await total(brokers, `${orders}-dlt`)) === BLOCKED,
        180_000,
        () => `service output:\n${service.out()}\n${service.err()}`,
      )
      service.proc.kill('SIGTERM')
      expect(await service.exit(15_000)).toBe(0)
      expect(service.out()).toContain(`stopped: invoiced ${ORDERS - BLOCKED}, drain clean: true`)
      // No run-time warnings (kafkajs' negative timers, deprecations) and no handle left open.
      expect(service.err()).not.toMatch(/Warning|still open/)
      built ??= app
    }, 900_000)
  }

  // The cases above run on the test's own Node (24 in CI), once per engine project; this runs the same
  // CLI and built service on the other supported lines, so every line meets every engine without a warning.
  const otherLines = ['22', '24', '26'].filter((m) => m !== process.versions.node.split('.')[0])
  it(`runs without a warning on Node ${otherLines.join(' and ')} too (engine ${ENGINE})`, async () => {
    expect(built, 'an install above must have built the app').toBeDefined()
    const app = built as string
    await Promise.all(
      otherLines.map(async (major) => {
        const node = await nodeOfLine(major, app)
        // The CLI too: it loads kafkit.config.ts through tsx (Node 26 deprecates its module.register()).
        const cli = await new Promise<{ code: number; stderr: string }>((resolve) =>
          execFile(
            node,
            [join(app, 'node_modules', 'kafkit', 'bin', 'kafkit.js'), 'codegen', '.', '--check'],
            { cwd: app, env: cleanEnv(), timeout: 120_000 },
            (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }),
          ),
        )
        expect(cli, `Node ${major}: kafkit codegen . --check`).toEqual({ code: 0, stderr: '' })
        const id = `-node${major}-${suffix()}`
        topics.push(`orders${id}`, `invoices${id}`, `orders${id}-dlt`)
        const service = startService(
          app,
          {
            KAFKA_BROKERS: brokers.join(','),
            REGISTRY_URL: registry.url,
            SEED_ORDERS: String(LINE_ORDERS),
            TOPIC_SUFFIX: id,
          },
          node,
        )
        services.push(service)
        await waitFor(
          async () => (await total(brokers, `invoices${id}`)) === LINE_ORDERS,
          120_000,
          () => `Node ${major} service output:\n${service.out()}\n${service.err()}`,
        )
        service.proc.kill('SIGTERM')
        expect(await service.exit(15_000), `Node ${major}: ${service.err()}`).toBe(0)
        expect(service.out()).toContain(`stopped: invoiced ${LINE_ORDERS}, drain clean: true`)
        expect(service.err(), `Node ${major}`).not.toMatch(/Warning|still open/)
      }),
    )
  }, 300_000)
})
