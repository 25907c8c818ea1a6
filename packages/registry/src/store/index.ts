export { FileRegistryLog } from './file-log'
export { KafkaRegistryLog, type KafkaRegistryLogOptions } from './kafka-log'
export { MemoryRegistryLog } from './memory-log'
export type { RegistryLog } from './types'
