import type { Command } from 'commander'

/** Registers the `console` command(s) on the program. */
export function registerConsoleCommands(_program: Command): void {}
