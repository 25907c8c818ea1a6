import type { CommandRegistration } from '../program'

/** One entry per product area; each lives in its own file in this folder. */
export const commandRegistrations: CommandRegistration[] = []
