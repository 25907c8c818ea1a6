export { createKafkajsEngine, type KafkajsEngineOptions } from './kafkajs'
export type * from './types'
