import type { Command } from 'commander'

/** Registers the `kafka` command(s) on the program. */
export function registerKafkaCommands(_program: Command): void {}
