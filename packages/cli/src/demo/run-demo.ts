import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ClientError,
  type ConsumerMessage,
  createConsumer,
  createGroupConsumer,
  createProducer,
  createTopicAdmin,
  DLT_HEADERS,
  deadLetterTopicName,
  type EngineName,
  type Producer,
  type SchemaRefusedError,
} from '@kafkit/client'
import { createEngine } from '@kafkit/client/engine'
import { type BytesSerdeDescriptor, createAvroSerde, subjectName, type TopicDescriptor } from '@kafkit/common'
import { z } from 'zod'
import { runDemoCodegen } from './codegen'
import { demoOrdersTopic } from './generated'
import { groupLag } from './lag'
import { orderPlacedIncompatible } from './schemas'

export interface DemoOptions {
  /** An existing cluster; when empty the demo starts a 1-node Kafka and stops it at the end. */
  readonly brokers?: readonly string[] | undefined
  /** An existing registry; when unset the demo serves one on a file store in a scratch folder. */
  readonly registryUrl?: string | undefined
  /** Kafka client engine (default: $KAFKIT_ENGINE, else platformatic). */
  readonly engine?: EngineName | undefined
  /** Typed events to produce in the first step. */
  readonly events?: number | undefined
  /** Where progress lines go. */
  readonly print: (line: string) => void
  /** Aborting (Ctrl-C) ends the current step; everything started so far is still stopped. */
  readonly signal?: AbortSignal | undefined
}

export interface DemoSummary {
  readonly brokers: readonly string[]
  readonly registryUrl: string
  readonly startedKafka: boolean
  readonly startedRegistry: boolean
  readonly topic: string
  readonly deadLetterTopic: string
  readonly groupId: string
  readonly generatedFiles: number
  readonly produced: number
  readonly consumed: number
  readonly refusedReasons: readonly string[]
  readonly deadLettered: number
  readonly lagBefore: number
  readonly lagAfter: number
}

const STEPS = 7

/** The same typed topic under a per-run name, its subjects recomputed (a shared cluster stays clean). */
function renamed<T extends TopicDescriptor>(topic: T, name: string): T {
  const subject = (side: 'key' | 'value') => {
    const serde = topic[side]
    return serde.kind === 'avro'
      ? subjectName(topic.subjectNameStrategy, name, side, serde.fullName)
      : undefined
  }
  return { ...topic, name, subjects: { key: subject('key'), value: subject('value') } }
}

/** Raw bytes both sides: the dead-letter topic keeps records exactly as they arrived. */
function bytesTopic(name: string): TopicDescriptor<string, BytesSerdeDescriptor, BytesSerdeDescriptor> {
  return {
    name,
    key: { kind: 'bytes' },
    value: { kind: 'bytes' },
    subjectNameStrategy: 'topic',
    subjects: { key: undefined, value: undefined },
    partitionKey: undefined,
  }
}

/** Polls `check` until it is true; the demo is interactive, so waits are bounded and explained. */
async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    signal?.throwIfAborted()
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/**
 * `kafkit demo`: Kafka and a registry (started when not given), codegen, then typed events through
 * a consumer group, an incompatible schema refused, a poison record dead-lettered, and lag reaching
 * zero. Stops and removes everything it started, also when a step fails.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const { print } = options
  const events = options.events ?? 20
  const step = (n: number, title: string) => {
    options.signal?.throwIfAborted()
    print(`\n[${n}/${STEPS}] ${title}`)
  }
  const info = (line: string) => print(`      ${line}`)
  const cleanups: { what: string; run: () => Promise<void> }[] = []
  const scratch = await mkdtemp(join(tmpdir(), 'kafkit-demo-'))
  cleanups.push({ what: 'scratch folder', run: () => rm(scratch, { recursive: true, force: true }) })

  try {
    // 1. Kafka
    step(1, 'Kafka')
    let brokers = [...(options.brokers ?? [])]
    const startedKafka = brokers.length === 0
    if (startedKafka) {
      const { findFreeBasePort, startKafka } = await import('@kafkit/kafka-local')
      info('no cluster configured (KAFKA_BROKERS / --brokers): starting a 1-node Kafka (KRaft)...')
      const started = Date.now()
      const cluster = await startKafka({
        nodes: 1,
        dataDir: join(scratch, 'kafka'),
        basePort: await findFreeBasePort(1),
        onProgress: (e) => {
          if (e.type === 'jars-resolving') info(`downloading the Kafka ${e.version} jars (first run only)...`)
          if (e.type === 'jars-resolved') info(`${e.jars} jars cached in ${e.libsDir}`)
          if (e.type === 'node-spawned') info(`broker JVM started (pid ${e.pid}), waiting for it to join...`)
        },
      })
      // Stopped before the scratch folder (which holds its data) is removed.
      cleanups.push({ what: 'Kafka', run: () => cluster.stop() })
      brokers = cluster.brokers
      info(`Kafka ready on ${brokers.join(',')} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
    } else {
      info(`using the cluster at ${brokers.join(',')}`)
    }

    // 2. Registry
    step(2, 'Schema registry')
    let registryUrl = options.registryUrl
    const startedRegistry = registryUrl === undefined
    if (registryUrl === undefined) {
      const { startRegistry } = await import('@kafkit/registry')
      const registry = await startRegistry({
        port: 0,
        store: { type: 'file', dir: join(scratch, 'registry') },
      })
      cleanups.push({ what: 'registry', run: () => registry.close() })
      registryUrl = registry.url
      info(`no registry configured (KAFKIT_REGISTRY_URL / --registry): serving one on ${registryUrl}`)
      info('(embedded file store; the Confluent REST API, so any Confluent client works against it)')
    } else {
      info(`using the registry at ${registryUrl}`)
    }
    const registry = registryUrl

    // 3. Codegen
    step(3, 'Codegen: Avro schema -> TypeScript types, zod validators, serdes, typed topics')
    const generated = await runDemoCodegen(join(scratch, 'project'))
    info(
      `${generated.types.length} Avro types (${generated.types.join(', ')}), ${generated.topics.length} topic -> ` +
        `${generated.files.length} files in ${join(scratch, 'project', 'generated')}`,
    )
    info('the demo below uses that output: `demoOrdersTopic` types every key and value')

    const id = randomBytes(4).toString('hex')
    const orders = renamed(demoOrdersTopic, `demo-orders-${id}`)
    const dlt = bytesTopic(deadLetterTopicName(orders.name))
    const groupId = `kafkit-demo-${id}`
    const engine = options.engine
    const admin = createTopicAdmin({
      brokers,
      engine,
      topics: [
        { topic: orders, partitions: 3 },
        // Sized like its source, as the group consumer would create it (a record keeps its partition).
        { topic: dlt, partitions: 3 },
      ],
    })
    await admin.ensureTopics()
    cleanups.push({
      what: 'demo topics',
      run: async () => {
        await admin.deleteTopics().catch(() => {})
        await admin.disconnect()
      },
    })

    // 4. Typed events through a consumer group
    step(4, `Typed events: ${events} OrderPlaced records -> ${orders.name} -> consumer group ${groupId}`)
    const producer: Producer<readonly [typeof orders]> = createProducer({
      brokers,
      engine,
      registry,
      topics: [orders] as const,
    })
    cleanups.push({ what: 'producer', run: () => producer.disconnect() })
    const placedAt = new Date()
    const sent = await producer.sendBatch(
      orders.name,
      Array.from({ length: events }, (_, i) => ({
        key: `customer-${i % 5}`,
        value: {
          orderId: `order-${i + 1}`,
          customerId: `customer-${i % 5}`,
          amount: 10 + i,
          placedAt,
        },
      })),
    )
    info(
      `produced ${sent.length} records (value schema id ${sent[0]?.valueSchemaId}, subject ${orders.subjects.value}), ` +
        `keyed by customer over ${new Set(sent.map((m) => m.partition)).size} partitions`,
    )
    const lagBefore = await groupLag(brokers, groupId, orders.name)
    info(`lag of ${groupId}: ${lagBefore}`)

    let consumed = 0
    let total = 0
    // One member of the group for the rest of the demo, run by Kafkit's group consumer: it reads the
    // typed events now and the poison record later, which it sends to `<topic>-dlt` with provenance
    // headers instead of stopping (handler errors would be retried with backoff first).
    const consumer = createGroupConsumer({
      brokers,
      engine,
      registry,
      groupId,
      topics: [orders],
      fromBeginning: true,
      deadLetter: true,
    })
    cleanups.push({ what: 'consumer', run: async () => void (await consumer.stop()) })
    const failed = consumer.whenStopped().then(
      () => new Error('the consumer stopped'),
      (error: Error) => error,
    )
    const until = async (what: string, check: () => boolean | Promise<boolean>) => {
      const ok = waitFor(what, async () => check(), 60_000, options.signal)
      const result = await Promise.race([ok.then(() => undefined), failed])
      if (result) throw result
    }
    await consumer.run({
      eachMessage: (m) => {
        // m.value is an OrderPlaced: amount a number, placedAt a Date, status 'PLACED' | 'PAID' | 'SHIPPED'.
        consumed += 1
        total += m.value.amount
        if (consumed % 5 === 0 || consumed === events) {
          info(
            `consumed ${consumed}/${events} (last: ${m.value.orderId}, ${m.value.status}, ${m.value.amount})`,
          )
        }
      },
    })
    await until(`${events} records to be consumed`, () => consumed >= events)
    info(`the group consumed all ${consumed} typed records (order total ${total})`)

    // 5. Incompatible schema change
    step(5, 'Schema change: a producer ships OrderPlaced with amount as a string and a required currency')
    const incompatible = {
      ...orders,
      value: createAvroSerde({
        fullName: 'com.kafkit.demo.OrderPlaced',
        schema: orderPlacedIncompatible,
        validator: z.object({
          orderId: z.string(),
          customerId: z.string(),
          amount: z.string(),
          currency: z.string(),
          placedAt: z.date(),
        }),
      }),
    }
    let refusedReasons: string[] = []
    let refused = false
    try {
      await producer.checkSchemas(incompatible)
    } catch (error) {
      if (!(error instanceof ClientError) || error.code !== 'KAFKIT_CLIENT_SCHEMA_REFUSED') throw error
      // The refusal carries each broken rule as data, with a hint on how to fix the schema.
      const reasons = (error as SchemaRefusedError).reasons ?? []
      refusedReasons = reasons.map((r) => `${r.type}${r.path ? ` at ${r.path}` : ''}: ${r.message}`)
      refused = true
      const against = (error as SchemaRefusedError).version
      info(`publish guard refused it before any record was sent: ${error.code}`)
      info(
        `compatibility ${String(error.details.compatibilityLevel)}, checked against version ${against ?? '?'}; the registry's reasons:`,
      )
      for (const r of reasons) info(`  - ${r.type}: ${r.message} (fix: ${r.hint})`)
    }
    if (!refused) throw new Error('the incompatible schema was not refused')
    const { RegistryClient, checkSchemas } = await import('@kafkit/registry')
    const [ci] = await checkSchemas(new RegistryClient({ url: registry }), [
      { subject: orders.subjects.value!, schema: JSON.stringify(orderPlacedIncompatible), source: 'v2' },
    ])
    info(`the same check as a CI gate (\`kafkit registry check\`): ${ci?.status}`)

    // 6. Poison message
    step(6, 'Poison message: bytes that are not Confluent Avro land on the topic')
    const raw = createEngine(engine, { brokers }).producer({
      idempotent: false,
      acks: -1,
      retries: 3,
      timeoutMs: 30_000,
      compression: 'none',
    })
    await raw.connect()
    try {
      await raw.send([
        {
          topic: orders.name,
          messages: [
            { key: Buffer.from('customer-0'), value: Buffer.from('{"oops": "not avro"}'), partition: 0 },
          ],
        },
      ])
    } finally {
      await raw.disconnect()
    }
    info('wrote 1 raw JSON record to partition 0, then 2 more typed records behind it')
    await producer.sendBatch(orders.name, [
      {
        key: 'customer-1',
        value: { orderId: 'order-late-1', customerId: 'customer-1', amount: 1, placedAt },
      },
      {
        key: 'customer-2',
        value: { orderId: 'order-late-2', customerId: 'customer-2', amount: 2, placedAt },
      },
    ])
    await until(
      'the poison record to reach the dead-letter topic',
      () => consumer.metrics().deadLettered >= 1,
    )
    info(
      `the group consumer sent it to ${dlt.name} (poison pills: ${consumer.metrics().poisonPills}) and moved on`,
    )
    await until('the records behind it to be consumed', () => consumed >= events + 2)
    info(`the group moved past it and consumed the 2 records behind it (${consumed} in all)`)
    const reader = createConsumer({
      brokers,
      engine,
      groupId: `${groupId}-dlt-reader`,
      topics: [dlt],
      fromBeginning: true,
    })
    cleanups.push({ what: 'dead-letter reader', run: () => reader.stop() })
    const inDlt: ConsumerMessage<typeof dlt>[] = []
    await reader.run({
      eachMessage: (m) => {
        inDlt.push(m)
      },
    })
    await waitFor(`the record on ${dlt.name}`, async () => inDlt.length >= 1)
    await reader.stop()
    const kept = inDlt[0]!
    info(
      `${dlt.name} holds it byte for byte (${kept.value.toString()}), with headers ` +
        `error-code=${kept.headers[DLT_HEADERS.errorCode]?.toString()} stage=${kept.headers[DLT_HEADERS.stage]?.toString()} ` +
        `original-offset=${kept.headers[DLT_HEADERS.originalOffset]?.toString()}`,
    )

    // 7. Lag
    step(7, `Lag of ${groupId} on ${orders.name}`)
    // Stopping commits the offsets of everything handled; the lag is then read from the broker.
    const drained = await consumer.stop()
    info(
      `the group member drained ${drained.clean ? 'cleanly' : 'with abandoned records'} and left the group`,
    )
    let lagAfter = lagBefore
    await waitFor('the lag to reach 0', async () => {
      lagAfter = await groupLag(brokers, groupId, orders.name)
      return lagAfter === 0
    })
    info(`lag ${lagBefore} after producing -> ${lagAfter} once the group has handled every record`)
    if (lagAfter !== 0) throw new Error(`lag is ${lagAfter}, expected 0`)

    return {
      brokers,
      registryUrl: registry,
      startedKafka,
      startedRegistry,
      topic: orders.name,
      deadLetterTopic: dlt.name,
      groupId,
      generatedFiles: generated.files.length,
      produced: sent.length + 2,
      consumed,
      refusedReasons,
      deadLettered: inDlt.length,
      lagBefore,
      lagAfter,
    }
  } finally {
    print('')
    for (const cleanup of cleanups.reverse()) {
      await cleanup
        .run()
        .catch((error: Error) => print(`warning: could not stop ${cleanup.what}: ${error.message}`))
    }
  }
}
