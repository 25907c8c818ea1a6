import { silentLogger } from '@kafkit/common'
import Fastify from 'fastify'
import { FileRegistryLog } from '../store/file-log'
import { KafkaRegistryLog } from '../store/kafka-log'
import { MemoryRegistryLog } from '../store/memory-log'
import type { RegistryLog } from '../store/types'
import { registerHooks } from './hooks'
import type { RegistryLogger } from './logger'
import {
  type RegistryServerOptions,
  type ResolvedRegistryServerOptions,
  resolveServerOptions,
} from './options'
import { RegistryService } from './registry-service'
import { ROUTES, routeContext } from './routes/index'
import type { RegistryApp } from './types'

function createLog(options: ResolvedRegistryServerOptions, logger: RegistryLogger): RegistryLog {
  const store = options.store
  if ('append' in store) return store
  if (store.type === 'memory') return new MemoryRegistryLog()
  if (store.type === 'file') return new FileRegistryLog(store.dir)
  return new KafkaRegistryLog({ ...store, logger })
}

/**
 * Builds the Confluent-compatible registry as a fastify app. The state is rebuilt from the log in
 * the background: `app.registry.ready` resolves when done, /ready answers 200 from then on, and API
 * requests before that get 50003. Tests use `app.inject` or `app.listen({ port: 0 })`.
 */
export function createRegistryApp(input: RegistryServerOptions = {}): RegistryApp {
  const options = resolveServerOptions(input)
  const logger = options.logger ?? silentLogger
  const log = createLog(options, logger)
  const service = new RegistryService(log, { writeTimeoutMs: options.writeTimeoutMs, logger })
  service.ready.catch((error: unknown) =>
    logger.error({ err: error, store: log.kind }, 'rebuilding the registry state from the log failed'),
  )

  const fastifyOptions: Record<string, unknown> = {
    logger: false,
    bodyLimit: options.bodyLimit,
    // Subjects can be long and contain URL-encoded characters.
    routerOptions: { maxParamLength: 2048, ignoreTrailingSlash: true },
  }
  if (options.tls) fastifyOptions.https = { ...options.tls }
  const app = Fastify(fastifyOptions) as unknown as RegistryApp
  app.decorate('registry', service)
  app.addHook('onClose', async () => {
    await service.close()
  })

  registerHooks(app, { options, service, logger })
  // One plugin per area of the API (routes/), all behind the hooks above.
  const context = routeContext(service, logger)
  for (const routes of ROUTES) app.register(async (scope) => routes(scope as RegistryApp, context))
  return app
}
