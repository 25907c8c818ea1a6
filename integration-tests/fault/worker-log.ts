import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface WorkerEvent {
  kind: 'S' | 'P'
  partition: number
  offset: bigint
  key: string
  value: number
  at: number
}

export interface WorkerLog {
  started: WorkerEvent[]
  processed: WorkerEvent[]
  /** partition -> committed next offsets with when they were logged, in log order */
  commits: Map<number, { offset: bigint; at: number }[]>
  running: boolean
  report: { clean: boolean; abandoned: unknown[]; notStarted: number } | undefined
  error: string | undefined
}

export function readWorkerLog(file: string): WorkerLog {
  const out: WorkerLog = {
    started: [],
    processed: [],
    commits: new Map(),
    running: false,
    report: undefined,
    error: undefined,
  }
  if (!existsSync(file)) return out
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [kind, ...rest] = line.split(' ')
    if (kind === 'S' || kind === 'P') {
      const e = {
        kind,
        partition: Number(rest[0]),
        offset: BigInt(rest[1] as string),
        key: rest[2] as string,
        value: Number(rest[3]),
        at: Number(rest[4]),
      } as WorkerEvent
      ;(kind === 'S' ? out.started : out.processed).push(e)
    } else if (kind === 'C') {
      const p = Number(rest[0])
      const list = out.commits.get(p) ?? []
      list.push({ offset: BigInt(rest[1] as string), at: Number(rest[2]) })
      out.commits.set(p, list)
    } else if (kind === 'R') out.running = true
    else if (kind === 'D') out.report = JSON.parse(rest.join(' '))
    else if (kind === 'E') out.error = rest.join(' ')
  }
  return out
}

const workerScript = fileURLToPath(new URL('./group-worker.ts', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

/** Starts group-worker.ts in a child process (TypeScript through tsx, @kafkit/* from sources). */
export function spawnWorker(env: Record<string, string>): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', workerScript], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += String(d)
  })
  return Object.assign(child, { stderrText: () => stderr })
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((r) => child.once('exit', (code) => r(code)))
}
