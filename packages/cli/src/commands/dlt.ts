import type { Command } from 'commander'

/** Registers the `dlt` command(s) on the program. */
export function registerDltCommands(_program: Command): void {}
