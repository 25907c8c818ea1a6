import {
  attachKafka,
  DEFAULT_KAFKA_VERSION,
  defaultCacheDir,
  ensureKafkaJars,
  KafkaLocalError,
  type KafkaLocalProgress,
  kafkaClusterStatus,
  startKafka,
} from '@kafkit/kafka-local'
import {
  currentClusterDataDir,
  forgetCurrentCluster,
  rememberCurrentCluster,
} from '@kafkit/kafka-local/cli-state'
import { type Command, InvalidArgumentError } from 'commander'

/** Progress goes to stderr, so stdout carries only results (bootstrap servers) for scripts. */
export function printKafkaProgress(e: KafkaLocalProgress): void {
  const line = (s: string) => process.stderr.write(`${s}\n`)
  switch (e.type) {
    case 'jars-resolving':
      line(`Downloading Apache Kafka ${e.version} broker jars from Maven Central (once, cached)...`)
      break
    case 'jar-downloaded':
      line(`  downloaded ${e.artifact} (${e.count})`)
      break
    case 'jars-cached':
      line(`Kafka jars already cached in ${e.libsDir}`)
      break
    case 'jars-resolved':
      line(`${e.jars} jars cached in ${e.libsDir}`)
      break
    case 'formatting':
      line(`Formatting storage of node ${e.nodeId}...`)
      break
    case 'node-spawned':
      line(`Started node ${e.nodeId} (pid ${e.pid})`)
      break
    case 'waiting-for-brokers':
      line(`Waiting for brokers: ${e.seen}/${e.expected} serving`)
      break
    default:
      break
  }
}

function parseNodes(v: string): 1 | 3 {
  if (v === '1' || v === '3') return Number(v) as 1 | 3
  throw new InvalidArgumentError('must be 1 or 3')
}

function parsePort(v: string): number | 'auto' {
  if (v === 'auto') return 'auto'
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1024 || n > 65_000)
    throw new InvalidArgumentError('must be a port in 1024..65000, or auto')
  return n
}

/** `--config key=value`, repeatable: collects broker settings (later ones win). */
function parseConfig(v: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf('=')
  if (eq <= 0)
    throw new InvalidArgumentError(
      `expected key=value (e.g. auto.create.topics.enable=false), got ${JSON.stringify(v)}`,
    )
  return { ...previous, [v.slice(0, eq).trim()]: v.slice(eq + 1).trim() }
}

function parseNodeId(v: string): number {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a node id (1, 2 or 3)')
  return n
}

/** A node whose process is gone stays in the metadata until the controller fences it. */
function role(n: { pid: number | undefined; inMetadata: boolean }): string {
  if (!n.inMetadata) return 'not in metadata'
  return n.pid === undefined ? 'in metadata (process gone, not fenced yet)' : 'live broker'
}

/** The data dir given with --data-dir, else the one `kafkit kafka up` remembered. */
async function targetDataDir(dataDir: string | undefined): Promise<string> {
  const dir = dataDir ?? (await currentClusterDataDir())
  if (!dir) {
    throw new KafkaLocalError(
      'KAFKIT_KAFKA_LOCAL_NOT_RUNNING',
      'no local Kafka started by `kafkit kafka up` is known; start one with `kafkit kafka up` or pass --data-dir',
    )
  }
  return dir
}

/** Registers the `kafka` command(s) on the program. */
export function registerKafkaCommands(program: Command): void {
  const kafka = program
    .command('kafka')
    .description(
      'Run a real Apache Kafka (KRaft) locally from Maven Central jars, no Docker (needs Java 17+ and Maven)',
    )

  kafka
    .command('up')
    .description('start a local Kafka cluster in the background and print its bootstrap servers')
    .option('--nodes <n>', 'number of combined broker+controller nodes: 1 or 3', parseNodes, 1)
    .option('--data-dir <dir>', 'keep data and logs here (default: a temp dir removed by `kafka down`)')
    .option(
      '--base-port <port>',
      'PLAINTEXT port of node 1 (default 9092, or auto = any free block); node i uses base+i-1, its controller base+100+i-1',
      parsePort,
    )
    .option(
      '--config <key=value>',
      "a broker setting over kafkit's (Kafka's own defaults, auto topic creation included), e.g. " +
        '--config auto.create.topics.enable=false --config num.partitions=6; repeatable',
      parseConfig,
    )
    .option(
      '--security',
      'also open SASL_PLAINTEXT (base+200), SSL (base+300) and SASL_SSL (base+400) listeners: PLAIN and SCRAM user `kafkit` with a random password, TLS from a throwaway CA',
    )
    .action(
      async (opts: {
        nodes: 1 | 3
        dataDir?: string
        basePort?: number | 'auto'
        config?: Record<string, string>
        security?: boolean
      }) => {
        const previous = await currentClusterDataDir()
        if (previous) {
          const status = await kafkaClusterStatus(previous).catch(() => undefined)
          if (status?.nodes.some((n) => n.pid !== undefined)) {
            throw new KafkaLocalError(
              'KAFKIT_KAFKA_LOCAL_ALREADY_RUNNING',
              `a local Kafka started by kafkit is already running (${status.brokers.join(',')}, data dir ${previous}); stop it with \`kafkit kafka down\``,
            )
          }
        }
        const started = Date.now()
        process.stderr.write(`Starting ${opts.nodes}-node Kafka...\n`)
        // Ctrl-C (or a kill) while starting: stop the detached JVMs started so far instead of orphaning them.
        const abort = new AbortController()
        const onSignal = () => {
          process.stderr.write('Interrupted: stopping the nodes started so far...\n')
          abort.abort()
        }
        process.once('SIGINT', onSignal)
        process.once('SIGTERM', onSignal)
        const cluster = await startKafka({
          nodes: opts.nodes,
          detached: true,
          signal: abort.signal,
          onProgress: printKafkaProgress,
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          ...(opts.basePort ? { basePort: opts.basePort } : {}),
          ...(opts.config ? { config: opts.config } : {}),
          ...(opts.security ? { security: true } : {}),
        }).finally(() => {
          process.off('SIGINT', onSignal)
          process.off('SIGTERM', onSignal)
        })
        await rememberCurrentCluster(cluster.dataDir)
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        process.stdout.write(
          `Kafka ${cluster.kafkaVersion} is up in ${seconds}s (${opts.nodes} node${opts.nodes === 1 ? '' : 's'}, data dir ${cluster.dataDir})\n`,
        )
        process.stdout.write(`bootstrap servers: ${cluster.brokers.join(',')}\n`)
        const sec = cluster.security
        if (sec) {
          const [user, password] = Object.entries(sec.users)[0] ?? []
          process.stdout.write(
            `SASL_PLAINTEXT: ${sec.saslPlaintext.join(',')}\nSSL: ${sec.ssl.join(',')}\nSASL_SSL: ${sec.saslSsl.join(',')}\n` +
              `# a throwaway local user (${sec.mechanisms.join(', ')}) and CA, for kafkit produce/consume:\n` +
              `export KAFKIT_TLS_CA=${sec.caFile} KAFKIT_SASL_MECHANISM=scram-sha-512 KAFKIT_SASL_USERNAME=${user} KAFKIT_SASL_PASSWORD=${password}\n`,
          )
        }
        process.stderr.write('Stop it with `kafkit kafka down`.\n')
      },
    )

  kafka
    .command('jars')
    .description('download the Kafka broker jars into the cache now (up does it on first use)')
    .action(async () => {
      const libs = await ensureKafkaJars({
        version: DEFAULT_KAFKA_VERSION,
        cacheDir: defaultCacheDir(),
        onProgress: printKafkaProgress,
      })
      process.stdout.write(`Kafka ${DEFAULT_KAFKA_VERSION} jars: ${libs}\n`)
    })

  kafka
    .command('status')
    .description('list the live brokers of the local cluster, asked over the Kafka protocol')
    .option('--data-dir <dir>', 'data dir of the cluster (default: the one `kafka up` started)')
    .action(async (opts: { dataDir?: string }) => {
      const status = await kafkaClusterStatus(await targetDataDir(opts.dataDir))
      const live = status.nodes.filter((n) => n.inMetadata && n.pid !== undefined)
      process.stdout.write(`data dir: ${status.state.dataDir}\n`)
      process.stdout.write(`cluster id: ${status.state.clusterId} (Kafka ${status.state.kafkaVersion})\n`)
      for (const n of status.nodes) {
        const proc = n.pid === undefined ? 'stopped' : `pid ${n.pid}`
        process.stdout.write(`node ${n.id}  ${n.bootstrap}  ${proc}  ${role(n)}\n`)
      }
      process.stdout.write(`${live.length} live broker${live.length === 1 ? '' : 's'}\n`)
      if (live.length === 0) process.exitCode = 1
    })

  kafka
    .command('down')
    .description('stop exactly the broker processes `kafka up` started (by pid) and remove its temp data dir')
    .option('--data-dir <dir>', 'data dir of the cluster (default: the one `kafka up` started)')
    .action(async (opts: { dataDir?: string }) => {
      const dir = await targetDataDir(opts.dataDir)
      const cluster = await attachKafka(dir).catch(async (error: unknown) => {
        // State gone (e.g. temp dir cleaned up): nothing of ours can be running; drop the pointer.
        if (!opts.dataDir) await forgetCurrentCluster()
        throw error
      })
      const running = cluster.nodes().filter((n) => n.pid !== undefined)
      process.stderr.write(
        `Stopping ${running.length} broker process${running.length === 1 ? '' : 'es'}...\n`,
      )
      await cluster.stop()
      if ((await currentClusterDataDir()) === cluster.dataDir) await forgetCurrentCluster()
      process.stdout.write(`Kafka stopped (${cluster.brokers.join(',')})\n`)
    })

  kafka
    .command('stop-node <id>')
    .description('stop one node of the running cluster (SIGTERM; SIGKILL with --hard), for fault drills')
    .option('--hard', 'kill -9, like a crash')
    .option('--data-dir <dir>', 'data dir of the cluster (default: the one `kafka up` started)')
    .action(async (id: string, opts: { hard?: boolean; dataDir?: string }) => {
      const nodeId = parseNodeId(id)
      const cluster = await attachKafka(await targetDataDir(opts.dataDir))
      await cluster.stopNode(nodeId, { hard: opts.hard ?? false })
      process.stdout.write(`node ${nodeId} stopped${opts.hard ? ' (SIGKILL)' : ''}\n`)
    })

  kafka
    .command('start-node <id>')
    .description('start a stopped node of the running cluster again and wait until it serves')
    .option('--data-dir <dir>', 'data dir of the cluster (default: the one `kafka up` started)')
    .action(async (id: string, opts: { dataDir?: string }) => {
      const nodeId = parseNodeId(id)
      const cluster = await attachKafka(await targetDataDir(opts.dataDir), { onProgress: printKafkaProgress })
      await cluster.startNode(nodeId)
      const node = cluster.nodes().find((n) => n.id === nodeId)
      process.stdout.write(`node ${nodeId} is serving on ${node?.bootstrap} (pid ${node?.pid})\n`)
    })
}
