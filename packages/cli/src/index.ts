export { type CommandRegistration, createProgram } from './program'
