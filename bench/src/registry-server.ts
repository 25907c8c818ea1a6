import { copyFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type LogRecord, MemoryRegistryLog, startRegistry } from '@kafkit/registry'

// Child process for the registry benchmark: the server gets its own event loop (and its own RSS, so
// memory compares fairly with other registries) and the load generator in the parent does not steal
// its time. Prints one JSON line: its URL, how long start-up took and how many records it replayed.
//   --store memory | file:DIR
//   --preload FILE   JSON lines of log records, replayed before listening (the bench's bulk path:
//                    the same records HTTP registration appends, applied by the same state machine)
const { values } = parseArgs({
  options: { store: { type: 'string', default: 'memory' }, preload: { type: 'string' } },
})
const started = performance.now()
const spec = values.store ?? 'memory'
let records = 0
let store: Parameters<typeof startRegistry>[0] extends infer O
  ? O extends { store?: infer S }
    ? S
    : never
  : never
if (spec === 'memory') {
  const log = new MemoryRegistryLog()
  if (values.preload) {
    for (const line of (await readFile(values.preload, 'utf8')).split('\n')) {
      if (line === '') continue
      await log.append(JSON.parse(line) as LogRecord)
      records++
    }
  }
  store = log
} else if (spec.startsWith('file:')) {
  const dir = spec.slice(5)
  if (values.preload) {
    await mkdir(dir, { recursive: true })
    await copyFile(values.preload, join(dir, 'registry.log'))
  }
  store = { type: 'file', dir }
} else {
  throw new Error(`--store must be memory or file:DIR, got ${spec}`)
}
const registry = await startRegistry({ port: 0, host: '127.0.0.1', store })
if (spec !== 'memory') records = registry.app.registry.state.appliedCount
process.stdout.write(
  `${JSON.stringify({ url: registry.url, startupMs: performance.now() - started, records })}\n`,
)
const stop = async () => {
  await registry.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// Exit with the parent: stdin closes when the bench process goes away.
process.stdin.on('end', stop)
process.stdin.resume()
