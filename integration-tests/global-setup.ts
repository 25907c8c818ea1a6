import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers of the broker the integration suite runs against. */
    kafkaBrokers: string[]
  }
}

interface SharedBroker {
  brokers: Promise<string[]>
  users: number
  stop?: () => Promise<void>
}

/**
 * Starts one real Kafka broker for the integration suite, unless KAFKA_BROKERS points at an
 * existing cluster. Tests read the servers with `inject('kafkaBrokers')`. basePort 'auto' picks a free
 * block (retrying on a bind race), so the suite never collides with `kafkit kafka up` on 9092 or a parallel run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.KAFKA_BROKERS
  if (fromEnv) {
    project.provide(
      'kafkaBrokers',
      fromEnv
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    return async () => {}
  }
  // Both integration projects (one per engine) run this setup: the first starts the broker, the second
  // reuses it, and the last teardown stops it.
  const shared = globalThis as { __kafkitBroker?: SharedBroker }
  if (shared.__kafkitBroker) {
    const broker = shared.__kafkitBroker
    broker.users++
    project.provide('kafkaBrokers', await broker.brokers)
    return async () => {
      if (--broker.users === 0) await broker.stop?.()
    }
  }
  let ready!: (brokers: string[]) => void
  let failed!: (error: unknown) => void
  const broker: SharedBroker = {
    brokers: new Promise((resolve, reject) => {
      ready = resolve
      failed = reject
    }),
    users: 1,
  }
  broker.brokers.catch(() => {})
  shared.__kafkitBroker = broker
  const { startKafka } = await import('@kafkit/kafka-local')
  const started = Date.now()
  let cluster: Awaited<ReturnType<typeof startKafka>>
  try {
    cluster = await startKafka({
      nodes: 1,
      basePort: 'auto',
      // Kafka's default creates a topic on first use; the tests create theirs explicitly, so a typo or a
      // missing createTopics fails instead of being papered over (and TOPIC_NOT_FOUND paths stay testable).
      config: { 'auto.create.topics.enable': false },
      onProgress: (e) => {
        // Jar downloads only happen on a fresh machine; say what the wait is for.
        if (e.type === 'jars-resolving')
          console.log(`[kafka] downloading Kafka ${e.version} jars with Maven...`)
        if (e.type === 'jars-resolved') console.log(`[kafka] ${e.jars} jars cached in ${e.libsDir}`)
      },
    })
  } catch (error) {
    failed(error)
    throw error
  }
  console.log(
    `[kafka] broker ${cluster.brokers.join(',')} ready in ${((Date.now() - started) / 1000).toFixed(1)}s`,
  )
  broker.stop = () => cluster.stop()
  ready(cluster.brokers)
  project.provide('kafkaBrokers', cluster.brokers)
  return async () => {
    if (--broker.users === 0) await cluster.stop()
  }
}
