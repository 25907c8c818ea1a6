import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap servers of the broker the integration suite runs against. */
    kafkaBrokers: string[]
  }
}

/**
 * Starts one real Kafka broker for the integration suite, unless KAFKA_BROKERS points at an
 * existing cluster. Tests read the servers with `inject('kafkaBrokers')`.
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
  const { startKafka } = await import('@kafkit/kafka-local')
  const cluster = await startKafka({ nodes: 1 })
  project.provide('kafkaBrokers', cluster.brokers)
  return async () => {
    await cluster.stop()
  }
}
