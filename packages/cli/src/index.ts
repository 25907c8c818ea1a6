export { createProgram, type CommandRegistration } from './program'
