import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync, readdirSync } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { checkMaven, defaultCacheDir } from '@kafkit/kafka-local'

/**
 * Apicurio Registry, the registry bench's peer: a Quarkus fast-jar published on Maven Central,
 * fetched once with Maven into the Kafkit cache (beside the Kafka jars) and run on a Java 21+ JDK.
 */
export const APICURIO_VERSION = '3.3.3'
export const APICURIO_ARTIFACT = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1'
/** Apicurio's Confluent-compatible API. */
export const APICURIO_CCOMPAT = '/apis/ccompat/v7'

export interface JavaInfo {
  readonly java: string
  readonly major: number
  readonly version: string
}

function javaInfo(java: string): JavaInfo | undefined {
  const res = spawnSync(java, ['-version'], { encoding: 'utf8' })
  if (res.error || res.status !== 0) return undefined
  const text = `${res.stderr}${res.stdout}`
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text)
  if (!m) return undefined
  const major = m[1] === '1' ? Number(m[2]) : Number(m[1])
  return { java, major, version: text.split('\n')[0]?.trim() ?? '' }
}

/**
 * A java binary of at least `minMajor`: APICURIO_JAVA_HOME, JAVA_HOME, `java` on PATH, then the JDKs
 * in the usual system folders (the default java may be 17 while a newer JDK sits beside it).
 */
export function findJava(minMajor = 21, env: NodeJS.ProcessEnv = process.env): JavaInfo | undefined {
  const candidates: string[] = []
  for (const home of [env.APICURIO_JAVA_HOME, env.JAVA_HOME])
    if (home) candidates.push(join(home, 'bin', 'java'))
  candidates.push('java')
  for (const root of ['/usr/lib/jvm', '/opt/java', '/usr/local/lib/jvm', '/opt']) {
    let names: string[] = []
    try {
      names = readdirSync(root)
    } catch {
      continue
    }
    for (const name of names.sort().reverse()) {
      const java = join(root, name, 'bin', 'java')
      if (existsSync(java)) candidates.push(java)
    }
  }
  for (const java of candidates) {
    const info = javaInfo(java)
    if (info && info.major >= minMajor) return info
  }
  return undefined
}

/** The unpacked distribution (holds quarkus-run.jar), fetched with Maven and unpacked on first use. */
export async function ensureApicurio(
  onStep: (message: string) => void,
  cacheDir = defaultCacheDir(),
): Promise<string> {
  const dir = join(cacheDir, `apicurio-registry-${APICURIO_VERSION}`)
  if (existsSync(join(dir, '.kafkit-complete')) && existsSync(join(dir, 'quarkus-run.jar'))) return dir
  checkMaven()
  onStep(`downloading ${APICURIO_ARTIFACT} (about 160 MB) with Maven ...`)
  const work = join(cacheDir, `apicurio-fetch-${process.pid}-${Date.now()}`)
  await mkdir(work, { recursive: true })
  try {
    const log = join(work, 'mvn.log')
    const code = await runLogged(
      'mvn',
      [
        '-B',
        `${DEPENDENCY_PLUGIN}:copy`,
        `-Dartifact=${APICURIO_ARTIFACT}`,
        `-DoutputDirectory=${join(work, 'dist')}`,
      ],
      work,
      log,
    )
    if (code !== 0)
      throw new Error(`mvn exited with ${code} while fetching ${APICURIO_ARTIFACT} (log: ${log})`)
    const archive = (await readdir(join(work, 'dist'))).find((f) => f.endsWith('.tar.gz'))
    if (!archive) throw new Error(`mvn fetched no .tar.gz for ${APICURIO_ARTIFACT}`)
    const out = join(work, 'app')
    await mkdir(out)
    onStep('unpacking Apicurio Registry ...')
    const tar = await runLogged('tar', ['-xzf', join(work, 'dist', archive), '-C', out], work, log)
    if (tar !== 0) throw new Error(`tar exited with ${tar} while unpacking ${archive}`)
    if (!existsSync(join(out, 'quarkus-run.jar'))) throw new Error(`${archive} holds no quarkus-run.jar`)
    await writeFile(join(out, '.kafkit-complete'), `${APICURIO_ARTIFACT}\n`)
    await rm(dir, { recursive: true, force: true })
    await rename(out, dir)
  } finally {
    await rm(work, { recursive: true, force: true })
  }
  return dir
}

function runLogged(cmd: string, args: string[], cwd: string, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' })
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.pipe(log, { end: false })
    child.stderr.pipe(log, { end: false })
    child.on('error', reject)
    child.on('close', (code) => log.end(() => resolve(code ?? 1)))
  })
}

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

export interface RunningApicurio {
  /** Base URL of the Confluent-compatible API. */
  readonly url: string
  readonly pid: number
  readonly startupMs: number
  readonly args: readonly string[]
  stop(): Promise<void>
}

/** JVM and Quarkus settings: loopback only, management port anywhere free, no access or audit log. */
export function apicurioArgs(port: number): string[] {
  return [
    '-Dquarkus.http.host=127.0.0.1',
    `-Dquarkus.http.port=${port}`,
    '-Dquarkus.management.host=127.0.0.1',
    '-Dquarkus.management.port=0',
    '-Dquarkus.http.access-log.enabled=false',
    // The audit log writes a line per request at INFO: as costly as an access log.
    '-Dquarkus.log.category."io.apicurio".level=WARN',
    '-Dapicurio.rest.deletion.artifact.enabled=true',
    '-Dapicurio.rest.deletion.artifact-version.enabled=true',
    '-Dapicurio.rest.deletion.group.enabled=true',
  ]
}

/** Starts Apicurio (in-memory H2 storage, its default) and waits until its ccompat API answers. */
export async function startApicurio(options: {
  java: string
  dir: string
  logFile: string
  timeoutMs?: number
}): Promise<RunningApicurio> {
  const port = await freePort()
  const args = apicurioArgs(port)
  const started = performance.now()
  const log = createWriteStream(options.logFile)
  const child: ChildProcess = spawn(options.java, [...args, '-jar', 'quarkus-run.jar'], {
    cwd: options.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  let exited: number | null | undefined
  child.on('exit', (code) => {
    exited = code
  })
  const stop = async () => {
    if (exited === undefined && child.exitCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await once(child, 'exit').catch(() => {})
      clearTimeout(timer)
    }
  }
  const url = `http://127.0.0.1:${port}${APICURIO_CCOMPAT}`
  const deadline = Date.now() + (options.timeoutMs ?? 120_000)
  try {
    for (;;) {
      if (exited !== undefined)
        throw new Error(`Apicurio exited with code ${exited} (log: ${options.logFile})`)
      if (Date.now() > deadline)
        throw new Error(`Apicurio did not answer within the time limit (log: ${options.logFile})`)
      const ok = await fetch(`${url}/subjects`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      await new Promise((r) => setTimeout(r, 250))
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { url, pid: child.pid!, startupMs: performance.now() - started, args, stop }
}
