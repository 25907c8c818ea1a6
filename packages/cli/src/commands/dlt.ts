import { type EngineName, type ReplayFilter, replayDeadLetters } from '@kafkit/client'
import { parseReplayFilter } from '@kafkit/client/console'
import type { Command } from 'commander'
import { engineFlag } from '../engine-flag'
import { type SecurityFlags, securityFlags, securityOptions } from '../security-flags'

interface ReplayFlags extends SecurityFlags {
  to?: string
  filter: ReplayFilter[]
  brokers?: string
  dryRun?: boolean
  engine?: EngineName
}

/** `kafkit dlt replay`: re-drives dead letters; a thin layer over replayDeadLetters. */
export function registerDltCommands(program: Command): void {
  const dlt = program.command('dlt').description('Dead-letter topics written by the Kafkit group consumer')
  const replay = dlt.command('replay')
  engineFlag(replay)
  securityFlags(replay)
  replay
    .description(
      'Send the records of a dead-letter topic (original key/value bytes) back to their original topic, or --to another',
    )
    .argument('<dlt-topic>', 'the dead-letter topic, e.g. orders-dlt')
    .option('--to <topic>', "target topic (default: each record's original topic)")
    .option(
      '--filter <field=value>',
      'only records whose field matches, repeatable (fields: key, error-class, error-code, error-message, original-topic, original-partition, original-offset, group, attempts, stage, schema-id)',
      (value: string, previous: ReplayFilter[]) => [...previous, parseReplayFilter(value)],
      [] as ReplayFilter[],
    )
    .option('--dry-run', 'list what would be replayed, send nothing')
    .option(
      '--brokers <list>',
      'bootstrap servers, comma-separated (default: $KAFKA_BROKERS or 127.0.0.1:9092)',
    )
    .action(async (topic: string, opts: ReplayFlags) => {
      const brokers = (opts.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const result = await replayDeadLetters({
        brokers,
        engine: opts.engine,
        ...securityOptions(opts),
        deadLetterTopic: topic,
        to: opts.to,
        filters: opts.filter,
        dryRun: opts.dryRun,
        onRecord: (r) =>
          process.stdout.write(
            `${JSON.stringify({ from: `${topic}/${r.from.partition}@${r.from.offset}`, to: `${r.to.topic}/${r.to.partition}`, key: r.key, errorClass: r.errorClass, errorMessage: r.errorMessage })}\n`,
          ),
      })
      process.stderr.write(
        `${opts.dryRun ? 'would replay' : 'replayed'} ${result.replayed} of ${result.scanned} dead letter(s) from ${topic} (${result.skipped} filtered out)\n`,
      )
    })
}
