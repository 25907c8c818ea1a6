import type { AddressInfo } from 'node:net'
import { KafkitError } from '@kafkit/common'
import { createRegistryApp } from './app'
import type { RegistryServerOptions } from './options'
import type { RunningRegistry } from './types'

export interface StartRegistryOptions extends RegistryServerOptions {
  /** Default 8081 (Confluent's); 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
}

/** Builds the app, waits until the state is rebuilt from the log, then listens. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const { port = 8081, host = '127.0.0.1', ...serverOptions } = options
  const app = createRegistryApp(serverOptions)
  try {
    await app.registry.ready
    await app.listen({ port, host })
  } catch (error) {
    await app.close().catch(() => {})
    const code = (error as { code?: string }).code
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new KafkitError(
        'KAFKIT_INVALID_OPTIONS',
        `Cannot listen on ${host}:${port} (${code}): pick another port (--port, 0 = any free one) or host`,
        { cause: error, details: { host, port } },
      )
    }
    throw error
  }
  const address = app.server.address() as AddressInfo
  const scheme = serverOptions.tls ? 'https' : 'http'
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    app,
    port: address.port,
    url: `${scheme}://${hostForUrl}:${address.port}`,
    close: () => app.close(),
  }
}
