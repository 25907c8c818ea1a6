import type { Command } from 'commander'

/** Registers the `bench` command(s) on the program. */
export function registerBenchCommands(_program: Command): void {}
