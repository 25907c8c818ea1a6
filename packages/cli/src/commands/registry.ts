import type { Command } from 'commander'

/** Registers the `registry` command(s) on the program. */
export function registerRegistryCommands(_program: Command): void {}
