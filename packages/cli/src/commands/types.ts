import type { Command } from 'commander'

/** One product area's subcommands, added to the `kafkit` program (see commands/index.ts). */
export type CommandRegistration = (program: Command) => void
