import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { schemaText } from '../payload'
import type { Progress } from '../progress'
import { repoRoot } from '../write-report'
import type { Measurements } from './kafka'

export interface RegistrySettings {
  readonly runs: number
  readonly durationSeconds: number
  readonly connections: number
}

export const REGISTRY_LABELS = {
  getById: 'GET /schemas/ids/{id}',
  register: 'POST /subjects/{subject}/versions (new schema)',
} as const

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

async function startChild(): Promise<{ url: string; child: ChildProcess }> {
  const script = fileURLToPath(new URL('../registry-server.ts', import.meta.url))
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
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
  return { url: (JSON.parse(first) as { url: string }).url, child }
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

/** Registry requests/s with autocannon against the Kafkit registry (memory store) in a child process. */
export async function registrySuite(s: RegistrySettings, progress: Progress): Promise<Measurements> {
  const { url, child } = await startChild()
  progress.step(`registry server at ${url} (pid ${child.pid})`)
  const result: Measurements = new Map()
  try {
    const seed = await fetch(`${url}/subjects/bench-seed-value/versions`, {
      method: 'POST',
      headers: { 'content-type': CONTENT_TYPE },
      body: JSON.stringify({ schema: schemaText }),
    })
    if (!seed.ok)
      throw new Error(`registering the seed schema failed: HTTP ${seed.status} ${await seed.text()}`)
    const { id } = (await seed.json()) as { id: number }
    const base = JSON.parse(schemaText) as { name: string }
    let n = 0
    for (let r = 0; r < s.runs; r++) {
      const get = checked(
        await run({
          url: `${url}/schemas/ids/${id}`,
          connections: s.connections,
          duration: s.durationSeconds,
        }),
        REGISTRY_LABELS.getById,
      )
      result.set(REGISTRY_LABELS.getById, [...(result.get(REGISTRY_LABELS.getById) ?? []), get])
      // Every request registers a schema never seen before (a new record name) under a new subject.
      const register = checked(
        await run({
          url,
          connections: s.connections,
          duration: s.durationSeconds,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const i = n++
                return {
                  ...req,
                  path: `/subjects/bench-${i}-value/versions`,
                  headers: { 'content-type': CONTENT_TYPE },
                  body: JSON.stringify({ schema: JSON.stringify({ ...base, name: `BenchEvent${i}` }) }),
                }
              },
            },
          ],
        }),
        REGISTRY_LABELS.register,
      )
      result.set(REGISTRY_LABELS.register, [...(result.get(REGISTRY_LABELS.register) ?? []), register])
      progress.step(
        `registry run ${r + 1}/${s.runs}: get ${Math.round(get)} req/s, register ${Math.round(register)} req/s`,
      )
    }
  } finally {
    child.kill('SIGTERM')
    await once(child, 'exit').catch(() => {})
  }
  return result
}
