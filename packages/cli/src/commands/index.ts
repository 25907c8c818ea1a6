import { registerBenchCommands } from './bench'
import { registerCodegenCommands } from './codegen'
import { registerConsoleCommands } from './console'
import { registerDemoCommands } from './demo'
import { registerDltCommands } from './dlt'
import { registerKafkaCommands } from './kafka'
import { registerRegistryCommands } from './registry'
import type { CommandRegistration } from './types'

/** One entry per product area; each lives in its own file in this folder. */
export const commandRegistrations: CommandRegistration[] = [
  registerKafkaCommands,
  registerCodegenCommands,
  registerRegistryCommands,
  registerConsoleCommands,
  registerDltCommands,
  registerDemoCommands,
  registerBenchCommands,
]
