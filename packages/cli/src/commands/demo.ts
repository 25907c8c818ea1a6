import type { Command } from 'commander'

/** Registers the `demo` command(s) on the program. */
export function registerDemoCommands(_program: Command): void {}
