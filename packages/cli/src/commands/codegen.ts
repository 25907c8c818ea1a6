import type { Command } from 'commander'

/** Registers the `codegen` command(s) on the program. */
export function registerCodegenCommands(_program: Command): void {}
