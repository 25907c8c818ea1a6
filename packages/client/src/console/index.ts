// @kafkit/client/console: the JSON-lines produce and consume behind `kafkit produce` / `kafkit consume`.
export { parseReplayFilter } from '../consumer-group/replay'
export { type ConsumeJsonLinesOptions, consumeJsonLines, type JsonLineRecord } from './consume-json-lines'
export {
  type BadLine,
  type ProduceJsonLinesOptions,
  type ProduceJsonLinesResult,
  produceJsonLines,
} from './produce-json-lines'
