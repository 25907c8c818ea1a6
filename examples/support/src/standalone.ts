import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where an example finds Kafka and the schema registry. */
export interface ExampleContext {
  readonly brokers: string[]
  readonly registryUrl: string
  /** Suffix for topic, group and subject names; a fresh one per run. */
  readonly runId: string
  /** Progress lines (the standalone runner prints them; tests may collect them). */
  readonly log?: ((line: string) => void) | undefined
}

export type ExampleMain<R> = (context: ExampleContext) => Promise<R>

/**
 * `npm start -w examples/<name>`: uses KAFKA_BROKERS and KAFKIT_REGISTRY_URL when set; otherwise
 * starts a 1-node Kafka and an in-memory registry, runs the example, prints its result and stops
 * everything it started (also on failure), exiting non-zero if the example failed.
 */
export async function runStandalone<R>(name: string, main: ExampleMain<R>): Promise<void> {
  const cleanups: (() => Promise<void>)[] = []
  const log = (line: string) => console.log(`[${name}] ${line}`)
  try {
    let brokers = (process.env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (brokers.length === 0) {
      const { findFreeBasePort, startKafka } = await import('@kafkit/kafka-local')
      log('KAFKA_BROKERS not set: starting a local 1-node Kafka (the first run downloads the jars)...')
      const dataDir = await mkdtemp(join(tmpdir(), `kafkit-example-${name}-`))
      const cluster = await startKafka({ nodes: 1, dataDir, basePort: await findFreeBasePort(1) })
      cleanups.unshift(async () => {
        await cluster.stop()
        await rm(dataDir, { recursive: true, force: true })
      })
      brokers = cluster.brokers
      log(`Kafka ready on ${brokers.join(',')}`)
    }
    let registryUrl = process.env.KAFKIT_REGISTRY_URL
    if (!registryUrl) {
      const { startRegistry } = await import('@kafkit/registry')
      const registry = await startRegistry({ port: 0 })
      cleanups.unshift(() => registry.close())
      registryUrl = registry.url
      log(`KAFKIT_REGISTRY_URL not set: schema registry (memory store) on ${registryUrl}`)
    }
    const { runId } = await import('./topics')
    const result = await main({ brokers, registryUrl, runId: runId(), log })
    console.log(`[${name}] result:\n${JSON.stringify(result, null, 2)}`)
  } catch (error) {
    const e = error as { code?: string; message?: string }
    console.error(`[${name}] failed: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`)
    process.exitCode = 1
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {})
  }
}
