export * from './avro/index'
export { ERROR_DEFINITIONS } from './codes'
export {
  defineErrors,
  type ErrorDefinition,
  type ErrorTable,
  isKafkitError,
  KafkitError,
  type KafkitErrorOptions,
} from './errors'
export { fixKafkajsRequestQueue } from './kafkajs-request-queue'
export { type ConsoleLike, fromConsole, type Logger, silentLogger } from './logger'
export { type OptionIssue, type ParseOptionsSettings, parseOptions } from './options'
export * from './topic'
