import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import {
  APICURIO_ARTIFACT,
  APICURIO_VERSION,
  ensureApicurio,
  findJava,
  type JavaInfo,
  startApicurio,
} from '../apicurio'
import { schemaText } from '../payload'
import type { Progress } from '../progress'
import { repoRoot } from '../write-report'

export interface RegistrySettings {
  readonly runs: number
  /** Seconds of load per endpoint per run. */
  readonly durationSeconds: number
  /** Seconds of load per endpoint before the measured runs (the JVM needs it; Node too, a little). */
  readonly warmupSeconds: number
  readonly connections: number
  /** Subjects registered before the load (GET /subjects lists them). */
  readonly seedSubjects: number
  /** Schemas registered over HTTP into a fresh server before its RSS is read. */
  readonly memorySchemas: number
  /** The large count: Kafkit replays it from a pre-written log; Apicurio registers over HTTP up to it. */
  readonly bulkSchemas: number
  /** Time limit for each HTTP registration run of the memory figures (to memorySchemas; Apicurio on to bulkSchemas). */
  readonly fillSeconds: number
  /** Whether to run Apicurio at all (fetched on first use). */
  readonly apicurio: boolean
}

export const REGISTRY_ENDPOINTS = {
  getById: 'GET /schemas/ids/{id}',
  registerNew: 'POST /subjects/{s}/versions (new schema)',
  registerRepeat: 'POST /subjects/{s}/versions (already registered)',
  compatibility: 'POST /compatibility/subjects/{s}/versions/latest',
  subjects: 'GET /subjects',
} as const
type EndpointKey = keyof typeof REGISTRY_ENDPOINTS

export const REGISTRY_PEERS = {
  memory: 'Kafkit registry (memory store)',
  file: 'Kafkit registry (file store)',
  apicurio: `Apicurio Registry ${APICURIO_VERSION}`,
} as const
type PeerKey = keyof typeof REGISTRY_PEERS

export interface RssFigure {
  readonly mib: number
  readonly schemas: number
  readonly note?: string
}

export interface RegistrySuiteResult {
  /** Endpoint label -> peer label -> req/s per run. */
  readonly throughput: Map<string, Map<string, number[]>>
  /** Peer label -> endpoint label -> req/s during the warm-up. */
  readonly warmup: Map<string, Map<string, number>>
  /** Peer label -> RSS figures. */
  readonly rss: Map<
    string,
    { idle?: RssFigure; afterLoad?: RssFigure; fresh?: RssFigure; atMemory?: RssFigure; atBulk?: RssFigure }
  >
  /** Peer label -> start-up ms (Kafkit's bulk start-up is the replay of bulkSchemas records). */
  readonly startupMs: Map<string, { empty: number; bulk?: number; bulkSchemas?: number }>
  readonly apicurio: { status: 'measured' | 'skipped' | 'failed'; note: string; java?: JavaInfo }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const base = JSON.parse(schemaText) as { name: string; fields: unknown[] }

/** The bench event under another record name: a schema no registry has seen. */
function namedSchema(name: string): string {
  return JSON.stringify({ ...base, name })
}

/** A compatible evolution of the seed schema (one optional field added), for the compatibility check. */
const evolvedSchema = JSON.stringify({
  ...base,
  fields: [...base.fields, { name: 'benchExtra', type: ['null', 'string'], default: null }],
})

interface Target {
  readonly key: PeerKey
  readonly label: string
  /** API base URL (Apicurio's has a path). */
  readonly url: string
  readonly pid: number
  readonly startupMs: number
  /** Replayed records (Kafkit with --preload). */
  readonly records?: number
  stop(): Promise<void>
}

async function startKafkit(key: 'memory' | 'file', preload?: string): Promise<Target & { dir?: string }> {
  const script = fileURLToPath(new URL('../registry-server.ts', import.meta.url))
  const dir = key === 'file' ? await mkdtemp(join(os.tmpdir(), 'kafkit-bench-registry-')) : undefined
  const args = ['--conditions=source', '--import', 'tsx', script, '--store', dir ? `file:${dir}` : 'memory']
  if (preload) args.push('--preload', preload)
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    // The repository root, so `--import tsx` resolves from its node_modules.
    cwd: repoRoot,
  })
  const lines = createInterface({ input: child.stdout! })
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    once(child, 'exit').then(([code]) => {
      throw new Error(`registry server exited with code ${code} before it was ready`)
    }),
  ])
  lines.close()
  const info = JSON.parse(first) as { url: string; startupMs: number; records: number }
  return {
    key,
    label: REGISTRY_PEERS[key],
    url: info.url,
    pid: child.pid!,
    startupMs: info.startupMs,
    records: info.records,
    ...(dir ? { dir } : {}),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await once(child, 'exit').catch(() => {})
      }
      if (dir) await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status)
  if (!m) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(m[1]) / 1024
}

async function settledRss(pid: number): Promise<number> {
  // Let in-flight work and the collectors settle before reading.
  await new Promise((r) => setTimeout(r, 1_000))
  return rssMiB(pid)
}

async function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

function checked(result: autocannon.Result, what: string): number {
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(
      `${what}: ${result.errors} errors, ${result.non2xx} non-2xx answers, ${result.timeouts} timeouts`,
    )
  }
  return result.requests.average
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': CONTENT_TYPE },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${url}: HTTP ${res.status} ${text}`)
  return JSON.parse(text)
}

/** Per target: the subject/schema counter and the seed schema's id. */
interface Load {
  readonly target: Target
  readonly prefix: string
  seedId: number
  next: number
}

/** A POST that registers a never-seen schema under a new subject per request. */
function registerNewRequest(load: Load, tag: string): autocannon.Request {
  return {
    method: 'POST',
    setupRequest: (req) => {
      const i = load.next++
      return {
        ...req,
        path: `${load.prefix}/subjects/bench-${tag}-${i}-value/versions`,
        headers: { 'content-type': CONTENT_TYPE },
        body: JSON.stringify({ schema: namedSchema(`Bench${tag}${i}`) }),
      }
    },
  }
}

function endpointOptions(
  load: Load,
  key: EndpointKey,
  s: RegistrySettings,
  seconds: number,
): autocannon.Options {
  const common = { connections: s.connections, duration: seconds }
  const url = load.target.url
  const json = { 'content-type': CONTENT_TYPE }
  switch (key) {
    case 'getById':
      return { ...common, url: `${url}/schemas/ids/${load.seedId}` }
    case 'subjects':
      return { ...common, url: `${url}/subjects` }
    case 'registerRepeat':
      return {
        ...common,
        url: `${url}/subjects/bench-seed-0-value/versions`,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ schema: schemaText }),
      }
    case 'compatibility':
      return {
        ...common,
        url: `${url}/compatibility/subjects/bench-seed-0-value/versions/latest`,
        method: 'POST',
        headers: json,
        body: JSON.stringify({ schema: evolvedSchema }),
      }
    case 'registerNew':
      return { ...common, url, requests: [registerNewRequest(load, 'new')] }
  }
}

/** Registers `count` more new schemas over HTTP (autocannon, in chunks), stopping at `deadline` (ms epoch). */
async function fill(load: Load, count: number, s: RegistrySettings, deadline = Number.POSITIVE_INFINITY) {
  let done = 0
  while (done < count && Date.now() < deadline) {
    const amount = Math.min(500, count - done)
    const result = await run({
      url: load.target.url,
      connections: s.connections,
      amount,
      requests: [registerNewRequest(load, 'fill')],
    })
    checked(result, 'registering schemas for the memory figures')
    done += amount
  }
  return done
}

/** Seeds subjects and checks every endpoint answers as the bench expects, so all peers do the same work. */
async function seed(target: Target, s: RegistrySettings): Promise<Load> {
  const prefix = new URL(target.url).pathname.replace(/\/$/, '')
  const { id } = (await call(`${target.url}/subjects/bench-seed-0-value/versions`, 'POST', {
    schema: schemaText,
  })) as { id: number }
  for (let k = 1; k < s.seedSubjects; k++) {
    await call(`${target.url}/subjects/bench-seed-${k}-value/versions`, 'POST', {
      schema: namedSchema(`BenchSeed${k}`),
    })
  }
  const again = (await call(`${target.url}/subjects/bench-seed-0-value/versions`, 'POST', {
    schema: schemaText,
  })) as { id: number }
  if (again.id !== id) throw new Error(`${target.label}: re-registering gave id ${again.id}, not ${id}`)
  const compat = (await call(
    `${target.url}/compatibility/subjects/bench-seed-0-value/versions/latest`,
    'POST',
    {
      schema: evolvedSchema,
    },
  )) as { is_compatible?: boolean }
  if (compat.is_compatible !== true)
    throw new Error(`${target.label}: the evolved schema should be compatible: ${JSON.stringify(compat)}`)
  const subjects = (await call(`${target.url}/subjects`, 'GET')) as string[]
  if (subjects.length !== s.seedSubjects)
    throw new Error(`${target.label}: GET /subjects listed ${subjects.length}, expected ${s.seedSubjects}`)
  return { target, prefix, seedId: id, next: 0 }
}

const READ_LIKE: EndpointKey[] = ['getById', 'registerRepeat', 'compatibility', 'subjects']

/**
 * The registry side by side: Kafkit (memory store, file store) and Apicurio Registry, one after the
 * other, each in its own process, driven by the same autocannon settings. GET /subjects and the
 * idempotent paths run before any new schema is registered, so every peer lists the same subjects.
 */
export async function registrySuite(s: RegistrySettings, progress: Progress): Promise<RegistrySuiteResult> {
  const result: RegistrySuiteResult = {
    throughput: new Map(Object.values(REGISTRY_ENDPOINTS).map((e) => [e, new Map()])),
    warmup: new Map(),
    rss: new Map(),
    startupMs: new Map(),
    apicurio: { status: 'skipped', note: 'not requested' },
  }
  let apicurioDir: string | undefined
  let java: JavaInfo | undefined
  if (s.apicurio) {
    java = findJava(21)
    if (!java) {
      result.apicurio.status = 'skipped'
      result.apicurio.note =
        'no Java 21+ found (APICURIO_JAVA_HOME, JAVA_HOME, PATH, /usr/lib/jvm): Apicurio 3 needs it, so the registry figures have no peer'
      progress.step(`Apicurio skipped: ${result.apicurio.note}`)
    } else {
      try {
        apicurioDir = await ensureApicurio((m) => progress.step(m))
        progress.step(`Apicurio ${APICURIO_VERSION} in ${apicurioDir}, java ${java.version} (${java.java})`)
      } catch (error) {
        result.apicurio.status = 'failed'
        result.apicurio.note = `could not fetch ${APICURIO_ARTIFACT}: ${(error as Error).message}`
        progress.step(`Apicurio skipped: ${result.apicurio.note}`)
      }
    }
  }
  const logDir = await mkdtemp(join(os.tmpdir(), 'kafkit-bench-apicurio-'))
  const startTarget = async (key: PeerKey, preload?: string): Promise<Target> => {
    if (key !== 'apicurio') return startKafkit(key, preload)
    const a = await startApicurio({
      java: java!.java,
      dir: apicurioDir!,
      logFile: join(logDir, `apicurio-${Date.now()}.log`),
    })
    return {
      key,
      label: REGISTRY_PEERS.apicurio,
      url: a.url,
      pid: a.pid,
      startupMs: a.startupMs,
      stop: a.stop,
    }
  }
  const keys: PeerKey[] = ['memory', 'file', ...(apicurioDir ? (['apicurio'] as const) : [])]
  let preload: string | undefined
  try {
    for (const key of keys) {
      const label = REGISTRY_PEERS[key]
      try {
        await measurePeer(key, label)
        if (key === 'apicurio') {
          result.apicurio.status = 'measured'
          result.apicurio.note = `${APICURIO_ARTIFACT} from Maven Central, in-memory H2 storage (its default), ${java!.version}, default JVM heap; Confluent-compatible API under /apis/ccompat/v7`
          if (java) result.apicurio.java = java
        }
      } catch (error) {
        if (key !== 'apicurio') throw error
        result.apicurio.status = 'failed'
        result.apicurio.note = `failed during the bench: ${(error as Error).message}`
        progress.step(`Apicurio failed: ${(error as Error).message}`)
      }
    }
  } finally {
    if (preload) await rm(dirname(preload), { recursive: true, force: true })
    await rm(logDir, { recursive: true, force: true })
  }
  return result

  async function measurePeer(key: PeerKey, label: string): Promise<void> {
    const rss: NonNullable<ReturnType<typeof result.rss.get>> = {}
    result.rss.set(label, rss)
    // 1. Throughput, on a server holding only the seed subjects.
    let target = await startTarget(key)
    progress.step(`${label}: started in ${(target.startupMs / 1000).toFixed(1)} s (pid ${target.pid})`)
    result.startupMs.set(label, { empty: target.startupMs })
    try {
      rss.idle = { mib: await settledRss(target.pid), schemas: 0 }
      const load = await seed(target, s)
      const warm = new Map<string, number>()
      result.warmup.set(label, warm)
      const warmUp = async (keys: EndpointKey[]) => {
        for (const k of keys) {
          const r = checked(await run(endpointOptions(load, k, s, s.warmupSeconds)), `${label} ${k} warm-up`)
          warm.set(REGISTRY_ENDPOINTS[k], r)
        }
      }
      await warmUp(READ_LIKE)
      progress.step(
        `${label}: warm-up ${s.warmupSeconds} s per endpoint: ${[...warm].map(([e, r]) => `${e.split(' ')[0]} ${e.split(' ')[1]?.split('/')[1]} ${Math.round(r)}`).join(', ')} req/s`,
      )
      const record = (k: EndpointKey, value: number) => {
        const byPeer = result.throughput.get(REGISTRY_ENDPOINTS[k])!
        byPeer.set(label, [...(byPeer.get(label) ?? []), value])
      }
      for (let r = 0; r < s.runs; r++) {
        const line: string[] = []
        for (const k of READ_LIKE) {
          const v = checked(await run(endpointOptions(load, k, s, s.durationSeconds)), `${label} ${k}`)
          record(k, v)
          line.push(`${k} ${Math.round(v)}`)
        }
        progress.step(`${label} run ${r + 1}/${s.runs}: ${line.join(', ')} req/s`)
      }
      // New registrations last: they add subjects, which would change what GET /subjects lists.
      await warmUp(['registerNew'])
      const newRuns: number[] = []
      for (let r = 0; r < s.runs; r++) {
        const v = checked(
          await run(endpointOptions(load, 'registerNew', s, s.durationSeconds)),
          `${label} registerNew`,
        )
        record('registerNew', v)
        newRuns.push(Math.round(v))
      }
      progress.step(
        `${label}: new register warm-up ${Math.round(warm.get(REGISTRY_ENDPOINTS.registerNew) ?? 0)} req/s, runs ${newRuns.join(' / ')} req/s`,
      )
      rss.afterLoad = { mib: await settledRss(target.pid), schemas: s.seedSubjects + load.next }
    } finally {
      await target.stop()
    }

    // 2. Memory: a fresh server, schemas registered over HTTP, nothing else.
    target = await startTarget(key)
    try {
      const load: Load = {
        target,
        prefix: new URL(target.url).pathname.replace(/\/$/, ''),
        seedId: 0,
        next: 0,
      }
      rss.fresh = { mib: await settledRss(target.pid), schemas: 0 }
      const t0 = performance.now()
      // Bounded like everything else in the bench: a very busy machine may not get there in time.
      await fill(load, s.memorySchemas, s, Date.now() + s.fillSeconds * 1000)
      rss.atMemory = {
        mib: await settledRss(target.pid),
        schemas: load.next,
        ...(load.next < s.memorySchemas ? { note: `stopped at the ${s.fillSeconds} s limit` } : {}),
      }
      progress.step(
        `${label}: ${load.next.toLocaleString('en-US')} schemas registered in ${((performance.now() - t0) / 1000).toFixed(1)} s; RSS ${rss.fresh.mib.toFixed(0)} -> ${rss.atMemory.mib.toFixed(0)} MiB`,
      )
      if (key === 'apicurio') {
        // No bulk path that is faster than HTTP (its zip import was slower), so register up to a time limit.
        const t1 = performance.now()
        await fill(load, s.bulkSchemas - load.next, s, Date.now() + s.fillSeconds * 1000)
        const seconds = (performance.now() - t1) / 1000
        rss.atBulk = {
          mib: await settledRss(target.pid),
          schemas: load.next,
          ...(load.next < s.bulkSchemas
            ? { note: `stopped at the ${s.fillSeconds} s limit of the HTTP registration` }
            : {}),
        }
        progress.step(
          `${label}: ${load.next.toLocaleString('en-US')} schemas (${seconds.toFixed(0)} s more over HTTP); RSS ${rss.atBulk.mib.toFixed(0)} MiB`,
        )
      }
    } finally {
      await target.stop()
    }
    if (key === 'apicurio') return

    // 3. Kafkit at the large count: the log as HTTP registration would have written it, replayed on start.
    preload ??= await writePreload(s.bulkSchemas)
    target = await startTarget(key, preload)
    try {
      result.startupMs.get(label)!.bulk = target.startupMs
      result.startupMs.get(label)!.bulkSchemas = target.records ?? 0
      rss.atBulk = { mib: await settledRss(target.pid), schemas: target.records ?? 0 }
      progress.step(
        `${label}: replayed ${(target.records ?? 0).toLocaleString('en-US')} records in ${(target.startupMs / 1000).toFixed(1)} s; RSS ${rss.atBulk.mib.toFixed(0)} MiB`,
      )
    } finally {
      await target.stop()
    }
  }
}

/** JSON lines of register records for `count` new subjects, as the server's log holds them. */
async function writePreload(count: number): Promise<string> {
  const file = join(await mkdtemp(join(os.tmpdir(), 'kafkit-bench-preload-')), 'registry.log')
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    lines.push(
      JSON.stringify({
        proposalId: `bench-bulk-${i}`,
        command: {
          op: 'register',
          subject: `bench-bulk-${i}-value`,
          schema: namedSchema(`BenchBulk${i}`),
          schemaType: 'AVRO',
          references: [],
          normalize: false,
        },
      }),
    )
  }
  await writeFile(file, `${lines.join('\n')}\n`)
  return file
}
