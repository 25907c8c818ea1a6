import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { KafkaLocalError } from './errors'
import { defaultCacheDir } from './jar-cache'
import type { KafkaClusterState } from './types'

export const STATE_FILE_NAME = 'kafkit-cluster.json'

export function stateFile(dataDir: string): string {
  return join(dataDir, STATE_FILE_NAME)
}

/** Atomic write (temp file + rename) so a reader never sees half a state file. */
async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`)
  await rename(tmp, file)
}

export async function writeClusterState(state: KafkaClusterState): Promise<void> {
  await writeJsonAtomic(stateFile(state.dataDir), state)
}

/** Reads `<dataDir>/kafkit-cluster.json`; undefined when there is none. */
export async function readClusterState(dataDir: string): Promise<KafkaClusterState | undefined> {
  const file = stateFile(resolve(dataDir))
  if (!existsSync(file)) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new KafkaLocalError('KAFKIT_KAFKA_LOCAL_STATE_INVALID', `cannot read ${file}: ${String(error)}`, {
      cause: error,
    })
  }
  const s = parsed as Partial<KafkaClusterState>
  if (s.format !== 1 || !Array.isArray(s.nodes) || typeof s.clusterId !== 'string' || !s.dataDir) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_STATE_INVALID',
      `${file} is not a kafkit cluster state file (format 1); remove it or use another --data-dir`,
    )
  }
  return s as KafkaClusterState
}

/** KAFKIT_RUN_DIR, else `<cache dir>/run`: where `kafkit kafka up` keeps its pointer. */
export function defaultRunDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKIT_RUN_DIR || join(defaultCacheDir(env), 'run')
}

/** Where `kafkit kafka up` remembers the data dir of the cluster it started, for `status`/`down`. */
export function currentClusterFile(runDir = defaultRunDir()): string {
  return join(runDir, 'current.json')
}

export async function rememberCurrentCluster(dataDir: string, runDir?: string): Promise<void> {
  await writeJsonAtomic(currentClusterFile(runDir), { dataDir: resolve(dataDir) })
}

export async function forgetCurrentCluster(runDir?: string): Promise<void> {
  await rm(currentClusterFile(runDir), { force: true })
}

/** The data dir `kafkit kafka up` last started, if any. */
export async function currentClusterDataDir(runDir?: string): Promise<string | undefined> {
  try {
    const v = JSON.parse(await readFile(currentClusterFile(runDir), 'utf8')) as { dataDir?: unknown }
    return typeof v.dataDir === 'string' ? v.dataDir : undefined
  } catch {
    return undefined
  }
}
