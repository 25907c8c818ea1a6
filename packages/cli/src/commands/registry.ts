import { spawn } from 'node:child_process'
import { existsSync, openSync, readFileSync } from 'node:fs'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { KafkitError } from '@kafkit/common'
import type { Command } from 'commander'

const collect = (value: string, previous: string[]) => [...previous, value]

function fail(message: string): never {
  throw new KafkitError('KAFKIT_INVALID_OPTIONS', message)
}

/** `name:password:role` with role read-only|read-write (default read-write). */
function parseUser(spec: string) {
  const [username, password, role = 'read-write'] = spec.split(':')
  if (!username || !password || (role !== 'read-only' && role !== 'read-write')) {
    fail(`--user ${spec}: expected name:password[:read-only|read-write]`)
  }
  return { username, password, role: role as 'read-only' | 'read-write' }
}

interface ServeFlags {
  port: string
  host: string
  store: string
  brokers?: string
  topic: string
  user: string[]
  tlsKey?: string
  tlsCert?: string
  quiet?: boolean
  kafkaSsl?: boolean
  kafkaSasl?: string
  detach?: boolean
  pidFile?: string
  logFile?: string
}

const DEFAULT_PID_FILE = 'kafkit-registry.pid'

/** What `serve --pid-file` writes once it listens, and `registry stop` reads. */
interface PidFile {
  pid: number
  url: string
}

function readPidFile(file: string): PidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PidFile>
    return typeof parsed.pid === 'number' && typeof parsed.url === 'string'
      ? { pid: parsed.pid, url: parsed.url }
      : undefined
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * `serve --detach`: runs the same command again as a detached child (its output to a log file),
 * waits until it listens and has written its pid file, prints where it is, and returns. Unlike
 * `npx kafkit registry serve &`, whose `$!` is npm's pid, the pid file names the server itself.
 */
async function serveDetached(flags: ServeFlags): Promise<void> {
  const pidFile = resolve(flags.pidFile ?? DEFAULT_PID_FILE)
  const logFile = resolve(flags.logFile ?? `${pidFile.replace(/\.pid$/, '')}.log`)
  const running = readPidFile(pidFile)
  if (running && alive(running.pid)) {
    fail(
      `a registry already runs from ${pidFile} (pid ${running.pid}, ${running.url}): stop it with \`kafkit registry stop\``,
    )
  }
  await rm(pidFile, { force: true })
  // The same command line minus --detach and any --pid-file (the child gets the resolved one).
  const args: string[] = []
  const given = process.argv.slice(2)
  for (let i = 0; i < given.length; i++) {
    const a = given[i] as string
    if (a === '--detach' || a.startsWith('--pid-file=')) continue
    if (a === '--pid-file') {
      i++
      continue
    }
    args.push(a)
  }
  const log = openSync(logFile, 'a')
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1] as string, ...args, '--pid-file', pidFile],
    {
      detached: true,
      stdio: ['ignore', log, log],
    },
  )
  let exited: number | null | undefined
  child.on('exit', (code) => {
    exited = code
  })
  const deadline = Date.now() + 60_000
  for (;;) {
    const written = readPidFile(pidFile)
    if (written && written.pid === child.pid) {
      child.unref()
      process.stdout.write(
        `kafkit registry listening on ${written.url} (pid ${written.pid}, pid file ${pidFile}, log ${logFile})\n` +
          `Stop it with \`kafkit registry stop${flags.pidFile ? ` --pid-file ${flags.pidFile}` : ''}\`.\n`,
      )
      return
    }
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) child.kill('SIGTERM')
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : ''
      fail(
        `the detached registry did not start (${exited === undefined ? 'no answer in 60 s' : `exit code ${exited}`}); its log ${logFile} ends with:\n${tail}`,
      )
    }
    await sleep(100)
  }
}

interface StopFlags {
  pidFile?: string
}

/** `registry stop`: SIGTERM to the pid in the pid file (only a live kafkit process), then waits for it. */
async function stopRegistry(flags: StopFlags): Promise<void> {
  const pidFile = resolve(flags.pidFile ?? DEFAULT_PID_FILE)
  const running = readPidFile(pidFile)
  if (!running)
    fail(
      `no registry pid file at ${pidFile}: nothing to stop (start one with \`kafkit registry serve --detach\`)`,
    )
  if (!alive(running.pid)) {
    await rm(pidFile, { force: true })
    process.stdout.write(`kafkit registry (pid ${running.pid}) was not running; removed ${pidFile}\n`)
    return
  }
  // A reused pid must not be killed: on Linux, check it is still a kafkit process.
  const cmdline = `/proc/${running.pid}/cmdline`
  if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes('kafkit')) {
    await rm(pidFile, { force: true })
    fail(`pid ${running.pid} from ${pidFile} is no longer a kafkit registry; removed the stale pid file`)
  }
  process.kill(running.pid, 'SIGTERM')
  const deadline = Date.now() + 30_000
  while (alive(running.pid)) {
    if (Date.now() > deadline)
      fail(`kafkit registry (pid ${running.pid}) did not stop within 30 s after SIGTERM`)
    await sleep(100)
  }
  await rm(pidFile, { force: true })
  process.stdout.write(`kafkit registry (pid ${running.pid}, ${running.url}) stopped\n`)
}

interface CheckFlags {
  registry: string
  subjectStrategy: string
  subject: string[]
  user?: string
  json?: boolean
}

async function serve(flags: ServeFlags): Promise<void> {
  if (flags.detach) return serveDetached(flags)
  const { parseStoreSpec, startRegistry } = await import('@kafkit/registry')
  const port = Number(flags.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${flags.port}: expected 0..65535`)
  const brokers = flags.brokers
    ?.split(',')
    .map((b) => b.trim())
    .filter(Boolean)
  let store = parseStoreSpec(flags.store, { ...(brokers ? { brokers } : {}), topic: flags.topic })
  if (store.type === 'kafka') {
    let sasl:
      | { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string }
      | undefined
    if (flags.kafkaSasl) {
      const [mechanism, username, ...rest] = flags.kafkaSasl.split(':')
      const password = rest.join(':')
      if (!['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism ?? '') || !username || !password) {
        fail(`--kafka-sasl ${flags.kafkaSasl}: expected plain|scram-sha-256|scram-sha-512:user:password`)
      }
      sasl = { mechanism: mechanism as 'plain', username, password }
    }
    store = { ...store, ...(flags.kafkaSsl ? { ssl: true } : {}), ...(sasl ? { sasl } : {}) }
  } else if (flags.kafkaSsl || flags.kafkaSasl) {
    fail('--kafka-ssl and --kafka-sasl only apply to --store kafka')
  }
  if ((flags.tlsKey === undefined) !== (flags.tlsCert === undefined))
    fail('TLS needs both --tls-key and --tls-cert')
  const tls =
    flags.tlsKey && flags.tlsCert
      ? { key: await readFile(flags.tlsKey), cert: await readFile(flags.tlsCert) }
      : undefined
  const users = flags.user.map(parseUser)
  // Structured logs: one JSON line per event on stderr (stdout stays for the banner).
  const line =
    (level: string) =>
    (obj: object, msg?: string): void => {
      if (flags.quiet && level === 'info') return
      process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...obj })}\n`)
    }
  const logger = { info: line('info'), warn: line('warn'), error: line('error') }
  process.stderr.write(`kafkit registry: rebuilding state from the ${flags.store} store...\n`)
  const running = await startRegistry({
    port,
    host: flags.host,
    store,
    logger,
    ...(tls ? { tls } : {}),
    ...(users.length > 0 ? { auth: { users } } : {}),
  })
  process.stdout.write(`kafkit registry listening on ${running.url} (store: ${flags.store})\n`)
  const pidFile = flags.pidFile ? resolve(flags.pidFile) : undefined
  if (pidFile) await writeFile(pidFile, `${JSON.stringify({ pid: process.pid, url: running.url })}\n`)
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolveStop()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  process.stderr.write('kafkit registry: shutting down\n')
  await running.close()
  if (pidFile && readPidFile(pidFile)?.pid === process.pid) await rm(pidFile, { force: true })
}

async function findConfig(path: string): Promise<string | undefined> {
  const abs = resolve(path)
  if (/kafkit\.config\.(m?ts|m?js|json)$/.test(abs)) return abs
  for (const name of [
    'kafkit.config.ts',
    'kafkit.config.mts',
    'kafkit.config.js',
    'kafkit.config.mjs',
    'kafkit.config.json',
  ]) {
    const candidate = resolve(abs, name)
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate
  }
  return undefined
}

async function check(path: string, flags: CheckFlags): Promise<void> {
  const { RegistryClient, checkSchemas, collectFolderSchemas } = await import('@kafkit/registry')
  const info = await stat(path).catch(() =>
    fail(`${path} does not exist: pass a schemas folder, an .avsc file or a kafkit config`),
  )
  if (flags.subjectStrategy !== 'basename' && flags.subjectStrategy !== 'record') {
    fail(
      `--subject-strategy ${flags.subjectStrategy}: use basename (<file>-value) or record (full record name)`,
    )
  }
  const mapping: Record<string, string> = {}
  for (const spec of flags.subject) {
    const eq = spec.lastIndexOf('=')
    if (eq <= 0 || eq === spec.length - 1) fail(`--subject ${spec}: expected FILE=SUBJECT`)
    mapping[spec.slice(0, eq)] = spec.slice(eq + 1)
  }
  let entries: Array<{ subject: string; schema: string; source: string }>
  const config = info.isDirectory() || !path.endsWith('.avsc') ? await findConfig(path) : undefined
  if (config) {
    const { loadKafkitConfig } = await import('@kafkit/codegen')
    const loaded = await loadKafkitConfig(config)
    const seen = new Set<string>()
    entries = []
    for (const topic of loaded.topics) {
      for (const side of ['key', 'value'] as const) {
        const resolved = topic[side]
        const subject = topic.subjects[side]
        if (resolved.kind !== 'avro' || subject === undefined) continue
        const schema = JSON.stringify(resolved.schema)
        if (seen.has(`${subject}\u0000${schema}`)) continue
        seen.add(`${subject}\u0000${schema}`)
        entries.push({ subject, schema, source: `topic ${topic.name} ${side} (${resolved.fullName})` })
      }
    }
  } else if (info.isDirectory()) {
    entries = await collectFolderSchemas(path, {
      strategy: flags.subjectStrategy as 'basename' | 'record',
      mapping,
    })
  } else if (path.endsWith('.avsc')) {
    entries = (
      await collectFolderSchemas(dirname(path), { strategy: flags.subjectStrategy as 'basename', mapping })
    ).filter(
      (e) => basename(e.source) === basename(path) && resolve(dirname(path), e.source) === resolve(path),
    )
  } else {
    fail(`${path} is neither a folder, an .avsc file nor a kafkit.config.(ts|js|json)`)
  }
  if (entries.length === 0) fail(`no Avro schemas found in ${path}`)

  const auth = flags.user ? parseUser(`${flags.user}:read-only`) : undefined
  const client = new RegistryClient({
    url: flags.registry,
    ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}),
  })
  const results = await checkSchemas(client, entries)
  if (flags.json) {
    // The schema texts and the registry's raw messages (which repeat the whole old schema) stay out.
    process.stdout.write(
      `${JSON.stringify(
        results.map(({ schema: _s, messages: _m, ...r }) => r),
        null,
        2,
      )}\n`,
    )
  } else {
    const width = Math.max(...results.map((r) => r.subject.length))
    for (const r of results) {
      const against =
        r.status === 'INCOMPATIBLE' && r.level
          ? `  (${r.level}${r.version === undefined ? '' : ` against version ${r.version}`})`
          : ''
      process.stdout.write(`${r.status.padEnd(12)} ${r.subject.padEnd(width)}  ${r.source}${against}\n`)
      for (const x of r.reasons) {
        const where = x.type === 'OTHER' ? '' : `${x.type}${x.path ? ` at ${x.path}` : ''}: `
        process.stdout.write(`    - ${where}${x.message}\n      fix: ${x.hint}\n`)
      }
    }
    const count = (s: string) => results.filter((r) => r.status === s).length
    process.stdout.write(
      `\n${results.length} subject(s): ${count('OK')} OK, ${count('NEW')} NEW, ${count('INCOMPATIBLE')} INCOMPATIBLE` +
        `${count('INVALID') ? `, ${count('INVALID')} INVALID` : ''}\n`,
    )
  }
  if (results.some((r) => r.status === 'INCOMPATIBLE' || r.status === 'INVALID')) process.exitCode = 1
}

/** Registers the `registry` command(s) on the program. */
export function registerRegistryCommands(program: Command): void {
  const registry = program
    .command('registry')
    .description('Confluent-compatible schema registry: serve it, check schemas')

  registry
    .command('serve')
    .description('Run the schema registry (Confluent REST API)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8081')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--store <store>', 'memory | file:DIR | kafka', 'file:./kafkit-registry-data')
    .option('--brokers <list>', 'Kafka bootstrap servers for --store kafka (host:port,...)')
    .option('--topic <topic>', 'Kafka topic for --store kafka (compacted, single partition)', '_schemas')
    .option(
      '--user <name:password[:role]>',
      'basic-auth user; role read-only or read-write (repeatable)',
      collect,
      [],
    )
    .option('--kafka-ssl', 'connect to the brokers over TLS (--store kafka)')
    .option(
      '--kafka-sasl <mechanism:user:password>',
      'SASL for the brokers: plain, scram-sha-256 or scram-sha-512',
    )
    .option('--tls-key <file>', 'PEM private key: serve HTTPS')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--quiet', 'no per-request log lines')
    .option(
      '--detach',
      'run in the background: print the URL and pid, then return (stop with `kafkit registry stop`)',
    )
    .option(
      '--pid-file <file>',
      `write {pid, url} here once listening (default with --detach: ./${DEFAULT_PID_FILE})`,
    )
    .option(
      '--log-file <file>',
      'with --detach: where the server logs go (default: the pid file name with .log)',
    )
    .action(serve)

  registry
    .command('stop')
    .description('stop the registry `serve --detach` started (SIGTERM to the pid in its pid file, then wait)')
    .option('--pid-file <file>', `the pid file serve wrote (default ./${DEFAULT_PID_FILE})`)
    .action(stopRegistry)

  registry
    .command('check')
    .description(
      'CI gate: ask the registry whether each local schema is compatible with its subject (never registers). Exit 1 on any incompatibility.',
    )
    .argument('<path>', 'schemas folder, .avsc file, or kafkit.config.(ts|js|json) (or a folder holding one)')
    .requiredOption('--registry <url>', 'schema registry URL (ours or Confluent)')
    .option(
      '--subject-strategy <strategy>',
      'for folders: basename (<file>-value) or record (full record name)',
      'basename',
    )
    .option(
      '--subject <file=subject>',
      'for folders: map a file (basename or relative path) to a subject (repeatable)',
      collect,
      [],
    )
    .option('--user <name:password>', 'basic-auth credentials')
    .option('--json', 'print the results as JSON')
    .action(check)
}
