/**
 * A group member run as a child process by the fault tests (node --conditions=source --import tsx).
 * It appends one line per event to LOG_FILE with synchronous writes, so a SIGKILL loses nothing
 * that happened before it:
 *   S <partition> <offset> <key> <value> <ms>    handler started
 *   P <partition> <offset> <key> <value> <ms>    handler completed
 *   C <partition> <next offset> <ms>             the group committed
 *   D <drain report JSON> <ms>                   drained after SIGTERM
 */
import { appendFileSync } from 'node:fs'
import { createGroupConsumer } from '@kafkit/client'
import { stringKey, topic } from '../../packages/client/test/fixtures/descriptors'

const env = (name: string): string => {
  const v = process.env[name]
  if (v === undefined) throw new Error(`group-worker needs ${name}`)
  return v
}
const log = env('LOG_FILE')
// Wall-clock ms with sub-ms precision, comparable across the members on one machine.
const now = () => (performance.timeOrigin + performance.now()).toFixed(3)
const write = (line: string) => appendFileSync(log, `${line} ${now()}\n`)
const workMs = Number(process.env.WORK_MS ?? '0')

const orders = topic(env('TOPIC'), stringKey, stringKey)
const consumer = createGroupConsumer({
  brokers: env('BROKERS').split(','),
  groupId: env('GROUP'),
  topics: [orders],
  fromBeginning: true,
  concurrency: Number(process.env.CONCURRENCY ?? '4'),
  deadLetter: false,
  handleSignals: true,
  drainTimeoutMs: Number(process.env.DRAIN_MS ?? '30000'),
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  onCommit: (offsets) => {
    for (const o of offsets) write(`C ${o.partition} ${o.offset}`)
  },
})

await consumer.run({
  eachMessage: async (m) => {
    write(`S ${m.partition} ${m.offset} ${m.key} ${m.value}`)
    if (workMs > 0) await new Promise((r) => setTimeout(r, workMs))
    write(`P ${m.partition} ${m.offset} ${m.key} ${m.value}`)
  },
})
write('R running')
try {
  const report = await consumer.whenStopped()
  appendFileSync(log, `D ${JSON.stringify(report)}\n`)
  process.exit(0)
} catch (error) {
  write(`E ${(error as Error).message}`)
  process.exit(1)
}
