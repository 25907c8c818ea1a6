export { createKafkajsEngine, type KafkajsClient, type KafkajsEngineOptions } from './kafkajs'
export { type EngineOption, toEngine } from './resolve'
export type * from './types'
