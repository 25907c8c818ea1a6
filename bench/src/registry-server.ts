import { startRegistry } from '@kafkit/registry'

// Child process for the registry benchmark: the server gets its own event loop (and core) so the
// load generator in the parent does not steal its time. Prints its URL as one JSON line.
const registry = await startRegistry({ port: 0, host: '127.0.0.1', store: { type: 'memory' } })
process.stdout.write(`${JSON.stringify({ url: registry.url })}\n`)
const stop = async () => {
  await registry.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// Exit with the parent: stdin closes when the bench process goes away.
process.stdin.on('end', stop)
process.stdin.resume()
