export {
  type ConsumeJsonLinesOptions,
  consumeJsonLines,
  GenericDecoder,
  type JsonLineRecord,
} from './consume-json-lines'
export { genericAvroSerde } from './generic-serde'
export {
  type BadLine,
  type ProduceJsonLinesOptions,
  type ProduceJsonLinesResult,
  produceJsonLines,
} from './produce-json-lines'
