import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  BROKER_LOG4J2,
  nodeLayout,
  OFFSETS_TOPIC_PARTITIONS,
  renderServerProperties,
  TOOLS_LOG4J2,
} from './config'
import { KafkaLocalError } from './errors'
import { defaultCacheDir, ensureKafkaJars } from './jar-cache'
import { type ResolvedStartKafkaOptions, resolveStartKafkaOptions, type StartKafkaOptions } from './options'
import { busyPorts, clusterPorts, findFreeBasePort } from './ports'
import {
  formatStorage,
  isAlive,
  isOurBroker,
  type JvmSpec,
  nodePaths,
  relevantLogLines,
  spawnBroker,
  terminate,
  trackAttachedBroker,
  untrackAttachedBroker,
} from './process'
import { waitForBrokers, warmUpGroupCoordinators } from './readiness'
import {
  createTlsMaterial,
  type KafkaLocalSecurity,
  type KafkaSecurityState,
  resolveUsers,
  scramFormatArgs,
  securePorts,
  securityView,
  tlsFiles,
} from './security'
import { readClusterState, writeClusterState } from './state'
import { checkJava, javaCommand } from './tools'
import type {
  KafkaClusterState,
  KafkaLocalCluster,
  KafkaLocalProgressListener,
  KafkaNodeInfo,
  StopNodeOptions,
} from './types'

interface RuntimeOptions {
  readonly startTimeoutMs: number
  readonly stopTimeoutMs: number
  readonly detached: boolean
  readonly onProgress?: KafkaLocalProgressListener | undefined
  readonly signal?: AbortSignal | undefined
}

function abortedError(dataDir: string): KafkaLocalError {
  return new KafkaLocalError(
    'KAFKIT_KAFKA_LOCAL_START_ABORTED',
    'the Kafka start was aborted; nothing is left running',
    {
      details: { dataDir },
    },
  )
}

/**
 * Handle on a local cluster, either started by this process (startKafka) or found through its state
 * file (attachKafka). Every signal goes to a pid recorded in the state, and only after checking that the
 * pid still is this node's kafka.Kafka JVM.
 */
class LocalKafkaCluster implements KafkaLocalCluster {
  #state: KafkaClusterState
  #stopped = false
  readonly #runtime: RuntimeOptions
  /** JVMs this process spawned, by pid (absent for clusters found through attachKafka). */
  readonly #children = new Map<number, ChildProcess>()

  constructor(state: KafkaClusterState, runtime: RuntimeOptions) {
    this.#state = state
    this.#runtime = runtime
  }

  get brokers(): string[] {
    return nodeLayout(this.#state.basePort, this.#state.nodes.length).map((n) => `127.0.0.1:${n.port}`)
  }
  get clusterId(): string {
    return this.#state.clusterId
  }
  get dataDir(): string {
    return this.#state.dataDir
  }
  get kafkaVersion(): string {
    return this.#state.kafkaVersion
  }
  get state(): KafkaClusterState {
    return this.#state
  }
  #security: KafkaLocalSecurity | undefined
  get security(): KafkaLocalSecurity | undefined {
    const s = this.#state.security
    if (!s) return undefined
    this.#security ??= securityView(
      this.#state.basePort,
      this.#state.nodes.length,
      s,
      readFileSync(s.caFile, 'utf8'),
    )
    return this.#security
  }

  nodes(): KafkaNodeInfo[] {
    const layout = nodeLayout(this.#state.basePort, this.#state.nodes.length)
    return layout.map((n) => ({
      id: n.id,
      port: n.port,
      controllerPort: n.controllerPort,
      bootstrap: `127.0.0.1:${n.port}`,
      dir: nodePaths(this.#state.dataDir, n.id).dir,
      pid: this.#livePid(n.id),
    }))
  }

  /** The node's pid if that process is alive and still our broker. */
  #livePid(id: number): number | undefined {
    const pid = this.#state.nodes.find((n) => n.id === id)?.pid
    if (pid == null || !isAlive(pid) || !isOurBroker(pid, this.#state.dataDir, id)) return undefined
    return pid
  }

  #assertUsable(id?: number): void {
    if (this.#stopped) {
      throw new KafkaLocalError('KAFKIT_KAFKA_LOCAL_CLUSTER_STOPPED', 'the cluster was stopped')
    }
    if (id !== undefined && !this.#state.nodes.some((n) => n.id === id)) {
      throw new KafkaLocalError(
        'KAFKIT_KAFKA_LOCAL_UNKNOWN_NODE',
        `no node ${id}: this cluster has nodes 1..${this.#state.nodes.length}`,
        { details: { id } },
      )
    }
  }

  async #setPid(id: number, pid: number | null): Promise<void> {
    this.#state = {
      ...this.#state,
      nodes: this.#state.nodes.map((n) => (n.id === id ? { id, pid } : n)),
    }
    await writeClusterState(this.#state)
  }

  async stopNode(id: number, options: StopNodeOptions = {}): Promise<void> {
    this.#assertUsable(id)
    const pid = this.#livePid(id)
    if (pid !== undefined) {
      await terminate(pid, options.hard ?? false, this.#runtime.stopTimeoutMs, this.#children.get(pid))
      this.#children.delete(pid)
      untrackAttachedBroker(pid)
    }
    await this.#setPid(id, null)
  }

  async startNode(id: number): Promise<void> {
    this.#assertUsable(id)
    if (this.#livePid(id) !== undefined) {
      throw new KafkaLocalError('KAFKIT_KAFKA_LOCAL_NODE_RUNNING', `node ${id} is already running`, {
        details: { id },
      })
    }
    await this.startNodes([id])
  }

  /** Spawns the given nodes together (a KRaft quorum needs its voters up at once) and waits for them. */
  async startNodes(ids: readonly number[]): Promise<void> {
    const s = this.#state
    const layout = nodeLayout(s.basePort, s.nodes.length).filter((n) => ids.includes(n.id))
    const busy = await busyPorts(
      layout.flatMap((n) => [n.port, n.controllerPort, ...(s.security ? securePorts(n) : [])]),
    )
    if (busy.length > 0) {
      throw new KafkaLocalError(
        'KAFKIT_KAFKA_LOCAL_PORT_IN_USE',
        `port(s) ${busy.join(', ')} on 127.0.0.1 are in use; choose another basePort (node i uses basePort+i-1 and basePort+100+i-1) or stop what listens there`,
        { details: { ports: busy } },
      )
    }
    const spec = jvmSpec(s)
    const pids = new Map<number, number>()
    for (const n of layout) {
      const child = spawnBroker(spec, s.dataDir, n.id, this.#runtime.detached)
      if (child.pid === undefined) {
        throw new KafkaLocalError('KAFKIT_KAFKA_LOCAL_START_FAILED', `could not spawn ${spec.java}`, {
          details: { java: spec.java },
        })
      }
      pids.set(n.id, child.pid)
      this.#children.set(child.pid, child)
      if (!this.#runtime.detached) trackAttachedBroker(child.pid)
      await this.#setPid(n.id, child.pid)
      this.#runtime.onProgress?.({ type: 'node-spawned', nodeId: n.id, pid: child.pid })
    }
    const dead = () => [...pids].filter(([, pid]) => !isAlive(pid)).map(([id]) => id)
    try {
      let lastSeen = -1
      const ready = await waitForBrokers({
        nodes: layout.map((n) => ({ id: n.id, address: `127.0.0.1:${n.port}` })),
        clusterId: s.clusterId,
        deadline: Date.now() + this.#runtime.startTimeoutMs,
        check: () => {
          if (dead().length > 0 || this.#runtime.signal?.aborted) throw new Error('stop waiting')
        },
        onPoll: (seen) => {
          if (seen !== lastSeen) {
            lastSeen = seen
            this.#runtime.onProgress?.({ type: 'waiting-for-brokers', expected: layout.length, seen })
          }
        },
      }).catch(() => false)
      if (ready) return
      if (this.#runtime.signal?.aborted) throw abortedError(s.dataDir)
      const died = dead()
      const quoted = (
        await Promise.all((died.length ? died : ids).map((id) => relevantLogLines(s.dataDir, id)))
      )
        .flat()
        .join('\n')
      const where = `logs: ${layout.map((n) => nodePaths(s.dataDir, n.id).serverLog).join(', ')}`
      if (died.length > 0) {
        throw new KafkaLocalError(
          'KAFKIT_KAFKA_LOCAL_START_FAILED',
          `Kafka node(s) ${died.join(', ')} exited while starting (${where}):\n${quoted}`,
          { details: { nodes: died, dataDir: s.dataDir } },
        )
      }
      throw new KafkaLocalError(
        'KAFKIT_KAFKA_LOCAL_START_TIMEOUT',
        `Kafka node(s) ${ids.join(', ')} not ready after ${this.#runtime.startTimeoutMs} ms (${where}):\n${quoted}`,
        { details: { nodes: [...ids], dataDir: s.dataDir } },
      )
    } catch (error) {
      // Leave nothing half-started behind.
      await Promise.all([...pids].map(([, pid]) => terminate(pid, true, 5_000, this.#children.get(pid))))
      for (const [id, pid] of pids) {
        untrackAttachedBroker(pid)
        await this.#setPid(id, null)
      }
      throw error
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    const live = this.#state.nodes.map((n) => this.#livePid(n.id)).filter((p): p is number => p !== undefined)
    await Promise.all(
      live.map((pid) => terminate(pid, false, this.#runtime.stopTimeoutMs, this.#children.get(pid))),
    )
    for (const pid of live) untrackAttachedBroker(pid)
    this.#children.clear()
    if (this.#state.ownsDataDir) {
      await rm(this.#state.dataDir, { recursive: true, force: true, maxRetries: 3 })
    } else {
      this.#state = { ...this.#state, nodes: this.#state.nodes.map((n) => ({ id: n.id, pid: null })) }
      await writeClusterState(this.#state)
    }
  }
}

/** 16 random bytes, base64url; like Kafka's Uuid.randomUuid, never starting with '-' (tools would read a flag). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

function jvmSpec(s: KafkaClusterState): JvmSpec {
  return { java: s.java, libsDir: s.libsDir, heap: s.heap, log4jConfig: join(s.dataDir, 'log4j2.properties') }
}

/**
 * Starts a real Apache Kafka cluster (KRaft, combined broker+controller nodes) on 127.0.0.1 from the
 * broker jars on Maven Central, and resolves once every broker shows up in the cluster metadata.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaLocalCluster> {
  const o = resolveStartKafkaOptions(options)
  const onProgress = o.onProgress
  onProgress?.({ type: 'check-tools' })
  const java = javaCommand()
  checkJava(java)
  const libsDir = await ensureKafkaJars({
    version: o.kafkaVersion,
    cacheDir: o.cacheDir ?? defaultCacheDir(),
    onProgress,
  })

  if (o.basePort !== 'auto') return startOnce(o, o.basePort, java, libsDir)
  // 'auto': a free block now may be taken a moment later (parallel test runs, ephemeral client ports);
  // on a bind conflict, pick another block and try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(o, await findFreeBasePort(o.nodes, 50, o.security !== false), java, libsDir)
    } catch (error) {
      if (attempt >= 3 || !isPortConflict(error)) throw error
      const dir = (error as KafkaLocalError).details.dataDir
      if (o.dataDir === undefined && typeof dir === 'string') await rm(dir, { recursive: true, force: true })
    }
  }
}

function isPortConflict(error: unknown): boolean {
  if (!(error instanceof KafkaLocalError)) return false
  if (error.code === 'KAFKIT_KAFKA_LOCAL_PORT_IN_USE') return true
  return error.code === 'KAFKIT_KAFKA_LOCAL_START_FAILED' && /Address already in use/.test(error.message)
}

async function startOnce(
  o: ResolvedStartKafkaOptions,
  basePort: number,
  java: string,
  libsDir: string,
): Promise<KafkaLocalCluster> {
  const onProgress = o.onProgress
  const ownsDataDir = o.dataDir === undefined
  const dataDir = o.dataDir ? resolve(o.dataDir) : await mkdtemp(join(tmpdir(), 'kafkit-kafka-'))
  await mkdir(dataDir, { recursive: true })
  const previous = ownsDataDir ? undefined : await readClusterState(dataDir)
  if (previous?.nodes.some((n) => n.pid != null && isAlive(n.pid) && isOurBroker(n.pid, dataDir, n.id))) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_ALREADY_RUNNING',
      `a cluster started by kafkit is still running in ${dataDir}; stop it first (kafkit kafka down --data-dir ${dataDir})`,
      { details: { dataDir } },
    )
  }
  if (previous && o.security !== false && !previous.security) {
    throw new KafkaLocalError(
      'KAFKIT_INVALID_OPTIONS',
      `${dataDir} holds a cluster formatted without security (its SCRAM users are made at format time); start with security in a fresh data dir`,
      { details: { dataDir } },
    )
  }
  if (previous && previous.nodes.length !== o.nodes) {
    throw new KafkaLocalError(
      'KAFKIT_INVALID_OPTIONS',
      `${dataDir} holds a ${previous.nodes.length}-node cluster, but nodes: ${o.nodes} was asked for; use another data dir`,
      { details: { dataDir } },
    )
  }
  // Reusing a data dir keeps its cluster id, so its formatted storage stays valid.
  const clusterId = previous?.clusterId ?? randomClusterId()
  const layout = nodeLayout(basePort, o.nodes)
  // Secured listeners: users and TLS files kept from a reused data dir, else made now.
  const users = resolveUsers(o.security)
  const files = users && !previous?.security ? tlsFiles(dataDir) : undefined
  const security: KafkaSecurityState | undefined =
    previous?.security ??
    (users && files
      ? {
          users,
          caFile: files.caFile,
          keystoreFile: files.keystoreFile,
          keystorePassword: files.keystorePassword,
        }
      : undefined)
  const state: KafkaClusterState = {
    format: 1,
    kafkaVersion: o.kafkaVersion,
    clusterId,
    dataDir,
    ownsDataDir,
    basePort: basePort,
    libsDir,
    java,
    heap: o.heap,
    startedAt: new Date().toISOString(),
    nodes: layout.map((n) => ({ id: n.id, pid: null })),
    ...(security ? { security } : {}),
  }
  const cluster = new LocalKafkaCluster(state, o)
  try {
    const busy = await busyPorts(clusterPorts(basePort, o.nodes, security !== undefined))
    if (busy.length > 0) {
      throw new KafkaLocalError(
        'KAFKIT_KAFKA_LOCAL_PORT_IN_USE',
        `port(s) ${busy.join(', ')} on 127.0.0.1 are in use; pass another basePort (node i uses basePort+i-1 and basePort+100+i-1) or stop what listens there`,
        { details: { ports: busy, basePort: basePort } },
      )
    }
    await writeFile(join(dataDir, 'log4j2.properties'), BROKER_LOG4J2)
    await writeFile(join(dataDir, 'tools-log4j2.properties'), TOOLS_LOG4J2)
    const spec = jvmSpec(state)
    const scram = security ? scramFormatArgs(security.users) : []
    await Promise.all([
      ...layout.map(async (n) => {
        const p = nodePaths(dataDir, n.id)
        await mkdir(p.logs, { recursive: true })
        await writeFile(p.properties, renderServerProperties(n, layout, p.data, o.config, security))
        onProgress?.({ type: 'formatting', nodeId: n.id })
        await formatStorage(spec, join(dataDir, 'tools-log4j2.properties'), p.properties, clusterId, scram)
      }),
      // The CA and broker certificate are made while the storage is formatted.
      ...(files ? [createTlsMaterial(java, files)] : []),
    ])
    await writeClusterState(state)
    if (o.signal?.aborted) throw abortedError(dataDir)
    await cluster.startNodes(layout.map((n) => n.id))
    await warmUpGroupCoordinators(cluster.brokers, OFFSETS_TOPIC_PARTITIONS, Date.now() + 60_000)
    if (o.signal?.aborted) {
      await cluster.stop()
      throw abortedError(dataDir)
    }
  } catch (error) {
    // A failed start keeps its temp dir: the error names the logs in it.
    const keepLogs =
      error instanceof KafkaLocalError &&
      (error.code === 'KAFKIT_KAFKA_LOCAL_START_FAILED' || error.code === 'KAFKIT_KAFKA_LOCAL_START_TIMEOUT')
    if (ownsDataDir && !keepLogs) {
      await rm(dataDir, { recursive: true, force: true })
    }
    throw error
  }
  onProgress?.({ type: 'ready', brokers: cluster.brokers })
  return cluster
}

export interface AttachKafkaOptions {
  readonly startTimeoutMs?: number
  readonly stopTimeoutMs?: number
  readonly onProgress?: KafkaLocalProgressListener
}

/**
 * A handle on a cluster started earlier (e.g. by `kafkit kafka up` in another process), found through
 * `<dataDir>/kafkit-cluster.json`. Nodes it restarts are detached, like the ones `up` started.
 */
export async function attachKafka(
  dataDir: string,
  options: AttachKafkaOptions = {},
): Promise<KafkaLocalCluster> {
  const state = await readClusterState(dataDir)
  if (!state || !existsSync(state.dataDir)) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_NOT_RUNNING',
      `no kafkit cluster state in ${dataDir}; start one with \`kafkit kafka up\``,
      { details: { dataDir } },
    )
  }
  return new LocalKafkaCluster(state, {
    startTimeoutMs: options.startTimeoutMs ?? 180_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 20_000,
    detached: true,
    onProgress: options.onProgress,
  })
}
