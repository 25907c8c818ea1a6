import type { EngineName } from '@kafkit/client'
import { KafkitError } from '@kafkit/common'
import type { Command } from 'commander'
import { engineFlag } from '../engine-flag'

interface DemoFlags {
  brokers?: string
  registry?: string
  events: string
  engine?: EngineName
}

/** Registers `kafkit demo`: the guided tour behind `npm run demo`. */
export function registerDemoCommands(program: Command): void {
  const demo = program.command('demo')
  engineFlag(demo)
  demo
    .description(
      'Guided tour: local Kafka + registry (started when not configured), codegen, typed produce/consume, ' +
        'an incompatible schema refused, a poison message dead-lettered, lag to zero',
    )
    .option(
      '--brokers <list>',
      'use this cluster (host:port,...) instead of starting one (default: $KAFKA_BROKERS)',
    )
    .option(
      '--registry <url>',
      'use this schema registry instead of starting one (default: $KAFKIT_REGISTRY_URL)',
    )
    .option('--events <n>', 'typed events to produce', '20')
    .action(async (flags: DemoFlags) => {
      const brokers = (flags.brokers ?? process.env.KAFKA_BROKERS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const bad = brokers.find((b) => !/^[^\s:]+:\d{1,5}$/.test(b))
      if (bad) throw new KafkitError('KAFKIT_INVALID_OPTIONS', `broker '${bad}': expected host:port`)
      const events = Number(flags.events)
      if (!Number.isInteger(events) || events < 1 || events > 100_000) {
        throw new KafkitError(
          'KAFKIT_INVALID_OPTIONS',
          `--events ${flags.events}: expected a whole number 1..100000`,
        )
      }
      const registryUrl = flags.registry ?? (process.env.KAFKIT_REGISTRY_URL || undefined)
      if (registryUrl !== undefined && !URL.canParse(registryUrl)) {
        throw new KafkitError(
          'KAFKIT_INVALID_OPTIONS',
          `registry '${registryUrl}': expected a URL such as http://localhost:8081`,
        )
      }
      const print = (line: string) => process.stdout.write(`${line}\n`)
      print('Kafkit demo: Apache Kafka typed end to end')
      const started = Date.now()
      const { runDemo } = await import('../demo/run-demo')
      // Ctrl-C ends the current step; the demo still stops the Kafka and registry it started.
      const interrupt = new AbortController()
      const onSignal = () => {
        print('\ninterrupted: stopping what the demo started...')
        interrupt.abort(new Error('demo interrupted'))
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      let s: Awaited<ReturnType<typeof runDemo>>
      try {
        s = await runDemo({
          brokers,
          registryUrl,
          events,
          engine: flags.engine,
          print,
          signal: interrupt.signal,
        })
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
      print(`Summary (${((Date.now() - started) / 1000).toFixed(1)}s):`)
      print(
        `  Kafka            ${s.startedKafka ? 'started a 1-node cluster, now stopped' : `used ${s.brokers.join(',')}`}`,
      )
      print(
        `  registry         ${s.startedRegistry ? 'served on an embedded file store, now stopped' : `used ${s.registryUrl}`}`,
      )
      print(`  codegen          ${s.generatedFiles} files of typed code from 1 Avro schema`)
      print(`  typed events     ${s.produced} produced, ${s.consumed} consumed by group ${s.groupId}`)
      print(`  schema change    refused by the publish guard (${s.refusedReasons.length} incompatibilities)`)
      print(`  poison message   ${s.deadLettered} routed to ${s.deadLetterTopic}`)
      print(`  lag              ${s.lagBefore} -> ${s.lagAfter}`)
      print('Demo complete.')
    })
}
