import { findFreeBasePort, type KafkaLocalCluster, roundTrip, startKafka } from '@kafkit/kafka-local'
import type { Command } from 'commander'
import { printKafkaProgress } from './kafka'

/**
 * Registers the `demo` command(s) on the program. Placeholder until the full demo lands: the smallest
 * real round trip (start Kafka, produce and consume a few records, stop).
 */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('run the Kafkit demo against a real Kafka (started here unless KAFKA_BROKERS is set)')
    .option('--count <n>', 'records to send', (v) => Number.parseInt(v, 10), 5)
    .action(async (opts: { count: number }) => {
      const log = (s: string) => process.stdout.write(`${s}\n`)
      const fromEnv = process.env.KAFKA_BROKERS?.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      let cluster: KafkaLocalCluster | undefined
      const started = Date.now()
      try {
        let brokers: string[]
        if (fromEnv?.length) {
          brokers = fromEnv
          log(`Using the Kafka cluster in KAFKA_BROKERS: ${brokers.join(',')}`)
        } else {
          log('Starting a local Kafka broker (Java + Maven; the jars are downloaded once)...')
          cluster = await startKafka({
            nodes: 1,
            basePort: await findFreeBasePort(1),
            onProgress: printKafkaProgress,
          })
          brokers = cluster.brokers
          log(
            `Kafka ${cluster.kafkaVersion} ready at ${brokers.join(',')} in ${((Date.now() - started) / 1000).toFixed(1)}s`,
          )
        }
        const result = await roundTrip(brokers, { count: opts.count, onProgress: (m) => log(`  ${m}`) })
        for (const r of result.received) log(`  received ${r.key} = ${r.value} (partition ${r.partition})`)
        const ok =
          result.received.length === result.sent.length &&
          result.sent.every(
            (s, i) => result.received[i]?.key === s.key && result.received[i]?.value === s.value,
          )
        if (!ok) throw new Error('the records consumed differ from the records produced')
        log(`Round trip OK: ${result.sent.length} records produced and consumed`)
      } finally {
        if (cluster) {
          log('Stopping Kafka...')
          await cluster.stop()
        }
      }
      log(`Demo done in ${((Date.now() - started) / 1000).toFixed(1)}s`)
    })
}
