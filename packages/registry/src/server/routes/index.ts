import type { RegistryApp } from '../types'
import { associationsRoutes } from './associations'
import { compatibilityRoutes } from './compatibility'
import { configRoutes } from './config'
import { modeRoutes } from './mode'
import { schemasRoutes } from './schemas'
import type { RouteContext } from './shared'
import { statusRoutes } from './status'
import { subjectsRoutes } from './subjects'

export { type RouteContext, routeContext } from './shared'

/** One plugin per area of the Confluent API, registered in this order. */
export const ROUTES: readonly ((app: RegistryApp, context: RouteContext) => Promise<void>)[] = [
  statusRoutes,
  schemasRoutes,
  subjectsRoutes,
  compatibilityRoutes,
  configRoutes,
  associationsRoutes,
  modeRoutes,
]
