import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { SchemaRegistry as CsrRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { findFreeBasePort, type KafkaLocalCluster, startKafka } from '@kafkit/kafka-local'
import { RegistryClient, startRegistry } from '@kafkit/registry'
import kafkajs from 'kafkajs'
import { APICURIO_VERSION } from './apicurio'
import { buildSection } from './build'
import { loadKafkitTypes } from './kafkit-types'
import { machineInfo } from './machine'
import { mergeResults } from './merge'
import { schemaText, VALUE_BYTES } from './payload'
import { kafkajsCsr } from './peers/kafkajs-csr'
import { kafkajsJson } from './peers/kafkajs-json'
import { kafkitPeer } from './peers/kafkit'
import { platformaticJson } from './peers/platformatic'
import type { KafkaPeer, PeerFactory } from './peers/types'
import { Progress } from './progress'
import { registrySections } from './registry-sections'
import { renderTextReport } from './report'
import type { BenchResults, PeerStatus, Section, Setting } from './results'
import { codegenSuite } from './suites/codegen'
import { consumeSuite, type KafkaSuiteSettings, latencySuite, produceSuite } from './suites/kafka'
import { REGISTRY_PEERS, type RegistrySettings, registrySuite } from './suites/registry'
import { registryKafkaSuite } from './suites/registry-kafka'
import { registerPathProfile } from './suites/registry-profile'
import { SERDE_LABELS, serdeSuite } from './suites/serde'
import { paths, readResults, writeDocs } from './write-report'

const SUITES = ['serde', 'codegen', 'registry', 'produce', 'consume', 'latency', 'registry-kafka'] as const
type SuiteName = (typeof SUITES)[number]

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    peers: { type: 'string' },
    'no-apicurio': { type: 'boolean', default: false },
    merge: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})

if (args.help) {
  process.stdout.write(
    `npm run bench [-- --quick] [-- --only ${SUITES.join(',')}] [-- --peers kafkajs-json,kafkajs-csr,kafkit,kafkit-platformatic,platformatic-json]\n` +
      '  Runs the Kafkit benchmarks against a local Kafka (or KAFKA_BROKERS) and writes bench-results/latest.json.\n' +
      '  A full run of every suite also updates docs/benchmarks/results.json, docs/benchmarks.md and the chart;\n' +
      '  --merge does so for a full (not --quick) run of some suites, replacing only their sections.\n' +
      '  --no-apicurio runs the registry suite without its peer (Apicurio Registry, fetched with Maven, needs Java 21+).\n',
  )
  process.exit(0)
}

const only = args.only ? args.only.split(',').map((s) => s.trim()) : [...SUITES]
for (const name of only) {
  if (!SUITES.includes(name as SuiteName)) {
    process.stderr.write(`bench: unknown suite '${name}' in --only; choose from ${SUITES.join(', ')}\n`)
    process.exit(2)
  }
}
const wanted = (name: SuiteName) => only.includes(name)
const quick = args.quick ?? false

// Counts chosen so a full run takes minutes on 2 cores; --quick only checks the harness works.
const config = quick
  ? {
      runs: 1,
      partitions: 3,
      batchSize: 100,
      produceMessages: 2_000,
      consumeMessages: 2_000,
      latencyRate: 1_000,
      latencySeconds: 2,
      latencyWarmupSeconds: 0.5,
      serdeOps: 5_000,
      registrySeconds: 1,
      registryWarmupSeconds: 1,
      registryConnections: 10,
      registrySeedSubjects: 20,
      registryMemorySchemas: 500,
      registryBulkSchemas: 2_000,
      registryFillSeconds: 5,
      registryProfileOps: 200,
      codegenSchemas: 100,
      registryStartupRecords: 10_000,
    }
  : {
      runs: 5,
      partitions: 3,
      batchSize: 100,
      produceMessages: 20_000,
      consumeMessages: 50_000,
      latencyRate: 1_000,
      latencySeconds: 6,
      latencyWarmupSeconds: 1,
      serdeOps: 50_000,
      registrySeconds: 2,
      registryWarmupSeconds: 3,
      registryConnections: 10,
      registrySeedSubjects: 100,
      registryMemorySchemas: 10_000,
      registryBulkSchemas: 100_000,
      registryFillSeconds: 45,
      registryProfileOps: 2_000,
      codegenSchemas: 1_000,
      registryStartupRecords: 100_000,
    }

const BASELINE = kafkajsJson.label
const CODEGEN_TARGET_MS = 3_000

const SKIPPED: PeerStatus[] = [
  {
    id: 'confluent-kafka-javascript',
    label: '@confluentinc/kafka-javascript',
    status: 'skipped',
    note:
      'does not install here: its install step downloads a prebuilt librdkafka binding from GitHub releases, ' +
      'and the fallback source build downloads zlib, OpenSSL, zstd and curl sources from their own sites; ' +
      'this machine reaches package registries only',
  },
]

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!
  const progress = new Progress()
  const startedAt = new Date()
  const suffix = Math.random().toString(36).slice(2, 8)
  const sections: Section[] = []
  const peerStatus = new Map<string, PeerStatus>()
  const cleanups: (() => Promise<void>)[] = []
  let kafkaVersion = 'not used'
  let brokersNote = 'not used'

  try {
    progress.section('setup')
    const types = await loadKafkitTypes()
    progress.step('codegen: generated the Kafkit bench types from bench/schemas/bench-event.avsc')

    const needsKafka = wanted('produce') || wanted('consume') || wanted('latency')
    let brokers: string[] = []
    if (needsKafka) {
      if (process.env.KAFKA_BROKERS) {
        brokers = process.env.KAFKA_BROKERS.split(',').map((s) => s.trim())
        brokersNote = `existing cluster from KAFKA_BROKERS (${brokers.join(',')})`
        kafkaVersion = 'external (KAFKA_BROKERS)'
      } else {
        progress.step('starting a 1-node Kafka with @kafkit/kafka-local ...')
        const cluster: KafkaLocalCluster = await startKafka({
          nodes: 1,
          basePort: process.env.BENCH_KAFKA_BASE_PORT
            ? Number(process.env.BENCH_KAFKA_BASE_PORT)
            : await findFreeBasePort(1),
          onProgress: (e) => {
            if (e.type === 'jars-resolving')
              progress.step(`downloading Kafka ${e.version} jars with Maven ...`)
          },
        })
        cleanups.push(() => cluster.stop())
        brokers = cluster.brokers
        kafkaVersion = cluster.kafkaVersion
        brokersNote = `1 node started by @kafkit/kafka-local (${brokers.join(',')}, default heap)`
        progress.step(`kafka ${cluster.kafkaVersion} ready at ${brokers.join(',')}`)
      }
    }

    // The Kafka peers' registry runs in this process: it is only hit while schemas are registered/fetched.
    const registry = await startRegistry({ port: 0, store: { type: 'memory' } })
    cleanups.push(() => registry.close())
    const csr = new CsrRegistry({ host: registry.url })
    const { id: schemaId } = await csr.register(
      { type: SchemaType.AVRO, schema: schemaText },
      { subject: 'bench-serde-value' },
    )

    if (wanted('serde')) {
      progress.section(`serde: ${config.serdeOps.toLocaleString('en-US')} ops per run, ${config.runs} runs`)
      const m = await serdeSuite(
        {
          csr,
          registry: new RegistryClient({ url: registry.url }),
          schemaId,
          serde: types.serde,
          settings: {
            runs: config.runs,
            ops: config.serdeOps,
            registryUrl: registry.url,
            topic: 'bench-serde',
          },
        },
        progress,
      )
      const desc = `${config.serdeOps.toLocaleString('en-US')} operations per run on the bench event (JSON ${m.sizes.json} B, Avro ${m.sizes.avro} B with the 5-byte header); schema id cached; no Kafka.`
      const baselines = [SERDE_LABELS.json, SERDE_LABELS.csr]
      sections.push(
        buildSection({
          id: 'serde-encode',
          title: 'Serde encode',
          unit: 'ops/s',
          higherIsBetter: true,
          baselines,
          description: `Encode one event to bytes: ${desc}`,
          measured: m.encode,
        }),
        buildSection({
          id: 'serde-decode',
          title: 'Serde decode',
          unit: 'ops/s',
          higherIsBetter: true,
          baselines,
          description: `Decode bytes to one event: ${desc}`,
          measured: m.decode,
        }),
        buildSection({
          id: 'serde-encode-alloc',
          title: 'Serde encode: bytes allocated per operation',
          unit: 'B/op',
          higherIsBetter: false,
          baselines,
          description: `Heap growth per encode over a 200-operation burst after a full GC (node --expose-gc), garbage included: ${desc}`,
          measured: m.encodeAlloc,
        }),
        buildSection({
          id: 'serde-decode-alloc',
          title: 'Serde decode: bytes allocated per operation',
          unit: 'B/op',
          higherIsBetter: false,
          baselines,
          description: `Heap growth per decode over a 200-operation burst after a full GC (node --expose-gc), garbage included: ${desc}`,
          measured: m.decodeAlloc,
        }),
      )
    }

    if (wanted('codegen')) {
      progress.section(`codegen: ${config.codegenSchemas} schemas, ${config.runs} runs`)
      const times = await codegenSuite({ runs: config.runs, schemas: config.codegenSchemas }, progress)
      const target = `target ${CODEGEN_TARGET_MS / 1000} s`
      sections.push(
        buildSection({
          id: 'codegen',
          title: 'Codegen',
          unit: 'ms',
          higherIsBetter: false,
          baselines: [target],
          references: { [target]: CODEGEN_TARGET_MS },
          description: `\`generate()\` over ${config.codegenSchemas.toLocaleString('en-US')} distinct schema files from packages/codegen/bench (one record each with logical types, enum, nested record, array, map, unions; 20 namespaces; cross-file references), in memory. The ratio is to the ${CODEGEN_TARGET_MS / 1000} s target (below 1x meets it).`,
          measured: new Map([[`generate() ${config.codegenSchemas.toLocaleString('en-US')} schemas`, times]]),
        }),
      )
    }

    if (wanted('registry')) {
      progress.section(
        `registry: Kafkit (memory, file) and Apicurio ${APICURIO_VERSION} side by side; autocannon ${config.registryConnections} connections, ${config.registryWarmupSeconds} s warm-up + ${config.runs} x ${config.registrySeconds} s per endpoint`,
      )
      const registrySettings: RegistrySettings = {
        runs: config.runs,
        durationSeconds: config.registrySeconds,
        warmupSeconds: config.registryWarmupSeconds,
        connections: config.registryConnections,
        seedSubjects: config.registrySeedSubjects,
        memorySchemas: config.registryMemorySchemas,
        bulkSchemas: config.registryBulkSchemas,
        fillSeconds: config.registryFillSeconds,
        apicurio: !args['no-apicurio'],
      }
      const m = await guarded(() => registrySuite(registrySettings, progress), 'registry', progress)
      if (m) {
        peerStatus.set('apicurio-registry', {
          id: 'apicurio-registry',
          label: REGISTRY_PEERS.apicurio,
          status: m.apicurio.status,
          note: m.apicurio.note,
        })
        progress.step(
          `registry: timing the register path step by step (${config.registryProfileOps} schemas) ...`,
        )
        const profile = await registerPathProfile(config.registryProfileOps)
        sections.push(...registrySections(m, registrySettings, profile, config.registryProfileOps))
      }
    }

    if (wanted('registry-kafka')) {
      progress.section(
        `registry-kafka: failover and start-up of the Kafka store on 3 nodes, ${config.runs} runs each`,
      )
      const m = await guarded(
        () =>
          registryKafkaSuite(
            { runs: config.runs, startupRecords: config.registryStartupRecords, suffix },
            progress,
          ),
        'registry-kafka',
        progress,
      )
      if (m) {
        const failoverTarget = 'target 10 s'
        const startupTarget = 'target 30 s'
        sections.push(
          buildSection({
            id: 'registry-failover',
            title: 'Schema Registry on Kafka: failover',
            unit: 's',
            higherIsBetter: false,
            baselines: [failoverTarget],
            references: { [failoverTarget]: 10 },
            description: `One registry instance (--store kafka) on ${m.brokers}, log topic RF 3, min.insync.replicas 2. One writer registers a new schema after another and one reader reads the latest version every 5 ms; the leader of the log partition is SIGKILLed. Writes: time from the kill to the first success of a write sent after it (the writer sends it once the write in flight at the kill is answered, so that one's wait counts too; the in-flight one itself may have been acknowledged before the kill took effect). Reads: the longest time between two read answers. Cluster: time from the kill to the first metadata answer that names a new leader (polled every 50 ms by a separate client, so an upper bound; the controller fences the dead node after broker.session.timeout.ms = 6 s, heartbeats every 1 s, and a killed active controller adds a controller election): no client can write before it, and writes minus this is roughly the store's own recovery. Every request must succeed. The killed node is restarted and back in sync before the next run. The ratio is to the 10 s target (below 1x meets it).`,
            measured: m.failover,
          }),
          buildSection({
            id: 'registry-startup',
            title: 'Schema Registry on Kafka: start-up',
            unit: 's',
            higherIsBetter: false,
            baselines: [startupTarget],
            references: { [startupTarget]: 30 },
            description: `A new instance (--store kafka) on ${m.brokers} replays a log of ${config.registryStartupRecords.toLocaleString('en-US')} schema registrations (1,000 subjects, BACKWARD checks on every version) from the start, timed from createRegistryApp to ready (connect, topic check, read, parse, check and apply); the CPU row is the bench process's user+system CPU time over the same span (the wall time on a busy machine is mostly waiting for a core). The ratio is to the 30 s target (below 1x meets it).`,
            measured: m.startup,
          }),
        )
      }
    }

    if (needsKafka) {
      const allFactories: PeerFactory[] = [
        kafkajsJson,
        kafkajsCsr,
        kafkitPeer(types),
        kafkitPeer(types, 'platformatic'),
        platformaticJson,
      ]
      // --peers narrows the Kafka suites to some peers (for investigating one); docs need all of them.
      const factories = args.peers
        ? allFactories.filter((f) => args.peers!.split(',').includes(f.id))
        : allFactories
      const peers: KafkaPeer[] = []
      for (const f of factories) {
        try {
          const peer = await f.create({ brokers, registryUrl: registry.url })
          await peer.start()
          peers.push(peer)
          cleanups.unshift(() => peer.close())
          peerStatus.set(f.id, { id: f.id, label: f.label, status: 'measured', note: f.note })
        } catch (error) {
          peerStatus.set(f.id, {
            id: f.id,
            label: f.label,
            status: 'failed',
            note: `could not start: ${(error as Error).message}`,
          })
          progress.step(`${f.label}: could not start (${(error as Error).message}), skipped`)
        }
      }
      const kafka = new kafkajs.Kafka({
        clientId: 'bench-admin',
        brokers,
        logLevel: kafkajs.logLevel.NOTHING,
      })
      const s: KafkaSuiteSettings = {
        runs: config.runs,
        partitions: config.partitions,
        batchSize: config.batchSize,
        produceMessages: config.produceMessages,
        consumeMessages: config.consumeMessages,
        latencyRate: config.latencyRate,
        latencySeconds: config.latencySeconds,
        latencyWarmupSeconds: config.latencyWarmupSeconds,
        suffix,
      }
      const kafkaBaselines = [BASELINE]
      if (wanted('produce')) {
        progress.section(
          `produce: ${config.produceMessages.toLocaleString('en-US')} msgs per run, batches of ${config.batchSize}, ${config.runs} runs`,
        )
        const m = await guarded(() => produceSuite(kafka, peers, s, progress), 'produce', progress)
        if (m)
          sections.push(
            buildSection({
              id: 'produce',
              title: 'Produce',
              unit: 'msgs/s',
              higherIsBetter: true,
              baselines: kafkaBaselines,
              description: `${config.produceMessages.toLocaleString('en-US')} events of ${VALUE_BYTES} B (JSON size) per run, batches of ${config.batchSize} awaited one at a time, acks=all, ${config.partitions} partitions, keyed; encode included.`,
              measured: m,
            }),
          )
      }
      if (wanted('consume')) {
        progress.section(
          `consume: ${config.consumeMessages.toLocaleString('en-US')} msgs per run, ${config.runs} runs`,
        )
        const m = await guarded(() => consumeSuite(kafka, peers, s, progress), 'consume', progress)
        if (m)
          sections.push(
            buildSection({
              id: 'consume',
              title: 'Consume and decode',
              unit: 'msgs/s',
              higherIsBetter: true,
              baselines: kafkaBaselines,
              description: `${config.consumeMessages.toLocaleString('en-US')} events read from the beginning by a new group and decoded, timed from the first record to the last (group join excluded); each peer reads what it produced.`,
              measured: m,
            }),
          )
      }
      if (wanted('latency')) {
        progress.section(
          `latency: ${config.latencyRate} msgs/s for ${config.latencySeconds} s per run (first ${config.latencyWarmupSeconds} s dropped), ${config.runs} runs`,
        )
        const m = await guarded(() => latencySuite(kafka, peers, s, progress), 'latency', progress)
        const desc = `End to end (encode, send, broker, fetch, decode) at a fixed ${config.latencyRate} msgs/s for ${config.latencySeconds} s, measured from each event's scheduled send time; the first ${config.latencyWarmupSeconds} s are dropped.`
        if (m)
          sections.push(
            buildSection({
              id: 'latency-p50',
              title: 'End-to-end latency p50',
              unit: 'ms',
              higherIsBetter: false,
              baselines: kafkaBaselines,
              description: desc,
              measured: m.p50,
            }),
            buildSection({
              id: 'latency-p99',
              title: 'End-to-end latency p99',
              unit: 'ms',
              higherIsBetter: false,
              baselines: kafkaBaselines,
              description: desc,
              measured: m.p99,
            }),
          )
      }
    }
  } finally {
    progress.section('cleanup')
    for (const c of cleanups) await c().catch(() => {})
  }

  const settings: Setting[] = [
    { name: 'mode', value: quick ? 'quick (harness smoke test, not for comparison)' : 'full' },
    { name: 'runs per figure', value: `${config.runs} (median reported)` },
    { name: 'kafka', value: brokersNote },
    {
      name: 'producer',
      value: `acks=all (-1), idempotent off, no compression, batches of ${config.batchSize}, one request in flight (latency: unbounded)`,
    },
    {
      name: 'consumer',
      value:
        'new group per run, from the beginning, session 30 s, heartbeat 3 s, max 1 MiB per partition, autocommit',
    },
    { name: 'topics', value: `${config.partitions} partitions, replication 1, keyed by userId (1,000 keys)` },
    {
      name: 'value',
      value: `the same event for every peer, ${VALUE_BYTES} B as JSON (bench/schemas/bench-event.avsc)`,
    },
    { name: 'produce messages per run', value: config.produceMessages.toLocaleString('en-US') },
    { name: 'consume messages per run', value: config.consumeMessages.toLocaleString('en-US') },
    {
      name: 'latency',
      value: `${config.latencyRate} msgs/s for ${config.latencySeconds} s, first ${config.latencyWarmupSeconds} s dropped`,
    },
    { name: 'serde operations per run', value: config.serdeOps.toLocaleString('en-US') },
    {
      name: 'registry load',
      value: `autocannon ${config.registryConnections} connections; per endpoint a ${config.registryWarmupSeconds} s warm-up, then ${config.runs} runs of ${config.registrySeconds} s; Kafkit (memory store, file store) and Apicurio ${APICURIO_VERSION} one after the other, each in its own process`,
    },
    {
      name: 'registry memory',
      value: `RSS of each server process: idle, after the load, with ${config.registryMemorySchemas.toLocaleString('en-US')} schemas registered over HTTP into a fresh process, and with ${config.registryBulkSchemas.toLocaleString('en-US')} (Kafkit: log replay; Apicurio: HTTP for at most ${config.registryFillSeconds} s)`,
    },
    { name: 'codegen schemas', value: config.codegenSchemas.toLocaleString('en-US') },
    {
      name: 'registry on Kafka',
      value: `3 nodes (broker.session.timeout.ms 6 s), SIGKILL of the log leader; start-up on ${config.registryStartupRecords.toLocaleString('en-US')} records`,
    },
    { name: 'suites', value: only.join(', ') },
    {
      // Other work on the machine skews every figure; this says how busy it was.
      name: 'load average (1 min) at start / end',
      value: `${loadAtStart.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)}`,
    },
  ]
  const finishedAt = new Date()
  const results: BenchResults = {
    format: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    mode: quick ? 'quick' : 'full',
    machine: machineInfo(kafkaVersion),
    settings,
    peers: [...peerStatus.values(), ...SKIPPED],
    sections,
  }
  await mkdir(dirname(paths.latest), { recursive: true })
  await writeFile(paths.latest, `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(`\n${renderTextReport(results)}\n`)
  process.stdout.write(`results: ${paths.latest}\n`)
  const complete = !quick && !args.peers && only.length === SUITES.length && failures.length === 0
  if (complete) {
    await mkdir(dirname(paths.committed), { recursive: true })
    await copyFile(paths.latest, paths.committed)
    const written = await writeDocs(results)
    process.stdout.write(`updated ${[paths.committed, ...written].join(', ')}\n`)
  } else if (args.merge && !quick && !args.peers && failures.length === 0) {
    // A suite run alone replaces its own sections in the committed results; the rest stay as they were.
    const merged = mergeResults(await readResults(paths.committed), results, only)
    await writeFile(paths.committed, `${JSON.stringify(merged, null, 2)}\n`)
    const written = await writeDocs(merged)
    process.stdout.write(
      `merged the ${only.join(', ')} sections into ${[paths.committed, ...written].join(', ')}\n`,
    )
  } else {
    process.stdout.write('docs/benchmarks.md left as is (only a full run of every suite updates it)\n')
  }
  if (failures.length > 0) {
    process.stderr.write(`bench: ${failures.length} suite(s) failed: ${failures.join('; ')}\n`)
    process.exitCode = 1
  }
}

const failures: string[] = []

/** A failing suite is reported and the others still run; the exit code says something failed. */
async function guarded<T>(fn: () => Promise<T>, name: string, progress: Progress): Promise<T | undefined> {
  try {
    return await fn()
  } catch (error) {
    failures.push(`${name}: ${(error as Error).message}`)
    progress.step(`${name} FAILED: ${(error as Error).message}`)
    return undefined
  }
}

try {
  await main()
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
}
// kafkajs and autocannon can leave timers behind; the run is over.
process.exit(process.exitCode ?? 0)
