import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { KafkaLocalError } from './errors'

export interface JvmSpec {
  readonly java: string
  readonly libsDir: string
  readonly heap: string
  readonly log4jConfig: string
}

/** Paths of one node inside the data dir. */
export function nodePaths(dataDir: string, id: number) {
  const dir = join(dataDir, `node-${id}`)
  return {
    dir,
    properties: join(dir, 'server.properties'),
    data: join(dir, 'data'),
    logs: join(dir, 'logs'),
    stdout: join(dir, 'stdout.log'),
    serverLog: join(dir, 'logs', 'server.log'),
  }
}

/** Formats one node's log dir (idempotent: already formatted dirs are skipped). */
export function formatStorage(
  spec: JvmSpec,
  toolsLog4j: string,
  properties: string,
  clusterId: string,
  extraArgs: readonly string[] = [],
) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      spec.java,
      [
        '-Xmx256m',
        `-Dlog4j2.configurationFile=${toolsLog4j}`,
        '-cp',
        join(spec.libsDir, '*'),
        'kafka.tools.StorageTool',
        'format',
        '--ignore-formatted',
        '-t',
        clusterId,
        '-c',
        properties,
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString()
    })
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) return resolve()
      reject(
        new KafkaLocalError(
          'KAFKIT_KAFKA_LOCAL_FORMAT_FAILED',
          `kafka.tools.StorageTool format exited with ${code} for ${properties}:\n${output.trim().split('\n').slice(-15).join('\n')}`,
          { details: { properties, exitCode: code } },
        ),
      )
    })
  })
}

/**
 * Spawns the broker JVM directly (no shell) so signals reach it. Output goes to stdout.log in the
 * node dir, never to a pipe nobody reads (a full pipe would block the broker).
 */
export function spawnBroker(spec: JvmSpec, dataDir: string, id: number, detached: boolean): ChildProcess {
  const p = nodePaths(dataDir, id)
  const fd = openSync(p.stdout, 'a')
  try {
    const child = spawn(
      spec.java,
      [
        `-Xmx${spec.heap}`,
        '-Xms128m',
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        `-Dkafka.logs.dir=${p.logs}`,
        `-Dlog4j2.configurationFile=${spec.log4jConfig}`,
        '-cp',
        join(spec.libsDir, '*'),
        'kafka.Kafka',
        p.properties,
      ],
      { stdio: ['ignore', fd, fd], detached, cwd: p.dir },
    )
    if (detached) child.unref()
    // Swallow spawn errors here; the readiness check reports the dead process with its logs.
    child.on('error', () => {})
    return child
  } finally {
    closeSync(fd)
  }
}

/**
 * Attached (non-detached) brokers must not outlive this process: if it exits without stop() (a crash,
 * process.exit in a test runner), SIGKILL them synchronously on the way out.
 */
const attachedBrokers = new Set<number>()
let exitHookInstalled = false

export function trackAttachedBroker(pid: number): void {
  attachedBrokers.add(pid)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const p of attachedBrokers) {
      try {
        process.kill(p, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  })
}

export function untrackAttachedBroker(pid: number): void {
  attachedBrokers.delete(pid)
}

/** True while `pid` is a live (not zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return true // no /proc (macOS): kill(0) is all we have
  }
}

/** The command line of `pid`, or undefined if it is gone. */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    try {
      return (
        execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
      )
    } catch {
      return undefined
    }
  }
}

/**
 * Before signalling a pid read from a state file: it must still be a kafka.Kafka JVM started for
 * this very node's server.properties (pids get reused).
 */
export function isOurBroker(pid: number, dataDir: string, id: number): boolean {
  const cmd = commandLine(pid)
  return cmd?.includes('kafka.Kafka') === true && cmd.includes(nodePaths(dataDir, id).properties)
}

/**
 * Sends SIGTERM (or SIGKILL), waits for the exit, escalates to SIGKILL after `timeoutMs`. Never hangs.
 * When `child` is our own ChildProcess, also waits until Node has reaped it (no zombie left behind).
 */
export async function terminate(
  pid: number,
  hard: boolean,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const reaped =
    child && child.exitCode === null && child.signalCode === null
      ? new Promise<void>((resolve) => child.once('exit', () => resolve()))
      : Promise.resolve()
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s)
    } catch {
      // already gone
    }
  }
  signal(hard ? 'SIGKILL' : 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (isAlive(pid) && Date.now() < deadline) await sleep(50)
  if (isAlive(pid)) {
    signal('SIGKILL')
    const killDeadline = Date.now() + 10_000
    while (isAlive(pid) && Date.now() < killDeadline) await sleep(50)
  }
  await Promise.race([reaped, sleep(5_000)])
}

/** The broker log lines worth quoting when a start fails: errors first, else the tail. */
export async function relevantLogLines(dataDir: string, id: number, max = 20): Promise<string[]> {
  const p = nodePaths(dataDir, id)
  const lines: string[] = []
  for (const file of [p.serverLog, p.stdout]) {
    const text = await readFile(file, 'utf8').catch(() => '')
    lines.push(...text.split('\n').filter(Boolean))
  }
  const errors = lines.filter((l) => /\b(ERROR|FATAL)\b|Exception|Caused by|Error:/.test(l))
  const picked = (errors.length ? errors : lines).slice(-max)
  return picked.map((l) => `[node ${id}] ${l}`)
}
