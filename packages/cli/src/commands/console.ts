import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import type { EngineName } from '@kafkit/client'
import { consumeJsonLines, produceJsonLines } from '@kafkit/client/console'
import { type Command, InvalidArgumentError } from 'commander'
import { engineFlag } from '../engine-flag'
import { type SecurityFlags, securityFlags, securityOptions } from '../security-flags'

/**
 * `kafkit produce` / `kafkit consume`: console producer and consumer for Confluent-framed Avro, like
 * kafka-avro-console-producer/-consumer. Thin layers over produceJsonLines / consumeJsonLines.
 */
export function registerConsoleCommands(program: Command): void {
  const produce = program.command('produce')
  engineFlag(produce)
  securityFlags(produce)
  produce
    .description(
      'Read JSON lines {"key": ..., "value": ...} from stdin and send them (Avro in the Confluent wire format when a schema is given)',
    )
    .argument('<topic>', 'topic to write to')
    .option(
      '--value-schema <file>',
      'Avro schema (.avsc) of values; without it values are sent as UTF-8 text',
    )
    .option('--key-schema <file>', 'Avro schema (.avsc) of keys; without it keys are UTF-8 strings')
    .option(
      '--brokers <list>',
      'bootstrap servers, comma-separated (default: $KAFKA_BROKERS or 127.0.0.1:9092)',
    )
    .option('--registry <url>', 'schema registry URL (default: $KAFKIT_REGISTRY_URL)')
    .option('--subject-strategy <strategy>', 'topic | record | topic-record', 'topic')
    .option('--no-auto-register', 'require the schemas to be registered already (production mode)')
    .option(
      '--progress <ms>',
      'print a progress line (sent, in flight, queued) to stderr every <ms> (default: on a terminal only)',
      positiveInt,
    )
    .action(async (topic: string, opts: ProduceFlags) => {
      const registry = registryUrl(opts.registry)
      if ((opts.valueSchema || opts.keySchema) && !registry) {
        throw new Error('a schema needs a registry: pass --registry or set KAFKIT_REGISTRY_URL')
      }
      if (!['topic', 'record', 'topic-record'].includes(opts.subjectStrategy)) {
        throw new Error(
          `--subject-strategy must be topic, record or topic-record, not '${opts.subjectStrategy}'`,
        )
      }
      const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
      const progress = progressPrinter(opts.progress)
      const result = await produceJsonLines(lines, {
        brokers: brokerList(opts.brokers),
        engine: opts.engine,
        ...securityOptions(opts),
        registry,
        topic,
        valueSchema: opts.valueSchema ? readSchema(opts.valueSchema, '--value-schema') : undefined,
        keySchema: opts.keySchema ? readSchema(opts.keySchema, '--key-schema') : undefined,
        subjectNameStrategy: opts.subjectStrategy as 'topic' | 'record' | 'topic-record',
        autoRegister: opts.autoRegister,
        // As Kafka's console producer: a new topic is created when the broker allows it.
        autoCreateTopic: true,
        onProgress: progress.update,
      })
      progress.end()
      for (const b of result.bad) process.stderr.write(`line ${b.line}: ${b.message}\n`)
      process.stderr.write(
        `sent ${result.sent} record(s) to ${topic}${result.valueSchemaId === undefined ? '' : ` (value schema id ${result.valueSchemaId})`}, ${result.bad.length} bad line(s)${result.notDelivered > 0 ? `, ${result.notDelivered} record(s) NOT delivered` : ''}\n`,
      )
      for (const f of result.failures) process.stderr.write(`not delivered: ${f.message}\n`)
      const notAttempted = result.notDelivered - result.failures.reduce((n, f) => n + f.count, 0)
      if (notAttempted > 0) {
        process.stderr.write(
          `not delivered: ${notAttempted} record(s) read after the first failure were not sent\n`,
        )
      }
      if (result.bad.length > 0 || result.notDelivered > 0) process.exitCode = 1
    })

  const consume = program.command('consume')
  engineFlag(consume)
  securityFlags(consume)
  consume
    .description(
      'Print records as JSON lines {"topic","partition","offset","timestamp","key","value","schemaId"}, decoding Confluent-framed Avro with the writer schema from the registry',
    )
    .argument('<topic>', 'topic to read')
    .option('--from-beginning', 'start at the earliest offset when the group has none', false)
    .option('--max <n>', 'stop after N records', positiveInt)
    .option('--group <id>', 'consumer group (default: a new random group)')
    .option('--timeout-ms <ms>', 'stop when no record arrives for this long', positiveInt)
    .option(
      '--brokers <list>',
      'bootstrap servers, comma-separated (default: $KAFKA_BROKERS or 127.0.0.1:9092)',
    )
    .option('--registry <url>', 'schema registry URL (default: $KAFKIT_REGISTRY_URL)')
    .option(
      '--headers',
      'add each record\'s headers as "headers": {name: text} (e.g. a dead letter\'s error)',
      false,
    )
    .action(async (topic: string, opts: ConsumeFlags) => {
      const abort = new AbortController()
      const stop = () => abort.abort()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      try {
        const { count } = await consumeJsonLines(
          (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
          {
            brokers: brokerList(opts.brokers),
            engine: opts.engine,
            ...securityOptions(opts),
            registry: registryUrl(opts.registry),
            topic,
            fromBeginning: opts.fromBeginning,
            max: opts.max,
            groupId: opts.group,
            timeoutMs: opts.timeoutMs,
            signal: abort.signal,
            headers: opts.headers,
          },
        )
        process.stderr.write(`consumed ${count} record(s) from ${topic}\n`)
      } finally {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
      }
    })
}

interface ProduceFlags extends SecurityFlags {
  valueSchema?: string
  keySchema?: string
  brokers?: string
  registry?: string
  subjectStrategy: string
  autoRegister: boolean
  progress?: number
  engine?: EngineName
}

interface ConsumeFlags extends SecurityFlags {
  fromBeginning: boolean
  headers: boolean
  max?: number
  group?: string
  timeoutMs?: number
  brokers?: string
  registry?: string
  engine?: EngineName
}

function brokerList(flag: string | undefined): string[] {
  const raw = flag ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function registryUrl(flag: string | undefined): string | undefined {
  const url = flag ?? process.env.KAFKIT_REGISTRY_URL
  return url === undefined || url === '' ? undefined : url
}

/**
 * Progress of `kafkit produce`: a rewritten line on a terminal; with --progress <ms>, one line per
 * interval (at most) that scripts and the fault drills can read.
 */
function progressPrinter(everyMs: number | undefined): {
  update: (sent: number, pending: { inFlight: number; queued: number }) => void
  end: () => void
} {
  const tty = process.stderr.isTTY === true && everyMs === undefined
  let last = 0
  let printed = false
  return {
    update(sent, pending) {
      const now = Date.now()
      if (now - last < (everyMs ?? 200)) return
      last = now
      const waiting = pending.inFlight + pending.queued
      if (tty) {
        process.stderr.write(`\rsent ${sent} record(s), ${waiting} awaiting acknowledgement...`)
        printed = true
      } else if (everyMs !== undefined) {
        process.stderr.write(
          `progress: sent ${sent} record(s), ${waiting} awaiting acknowledgement (${pending.inFlight} in flight)\n`,
        )
      }
    },
    end() {
      if (printed) process.stderr.write('\n')
    },
  }
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
}

function readSchema(file: string, flag: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`${flag}: cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new Error(`${flag}: ${file} is not JSON (an .avsc schema): ${(error as Error).message}`)
  }
}
