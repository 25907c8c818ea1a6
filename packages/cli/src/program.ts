import { Command } from 'commander'
import { commandRegistrations } from './commands/index'
import { version } from './version'

/**
 * Builds the `kafkit` command tree. Each product area registers its own subcommands from a
 * `commands/*.ts` module so the areas can evolve independently.
 */
export function createProgram(): Command {
  const program = new Command('kafkit')
    .description(
      'Kafkit: Apache Kafka typed end to end (codegen, typed client, schema registry, local Kafka)',
    )
    .version(version)
    .showHelpAfterError()
  for (const register of commandRegistrations) register(program)
  return program
}

export type { CommandRegistration } from './commands/types'
