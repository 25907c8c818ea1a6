// One logger contract for every Kafkit package (pino's argument order); see @kafkit/common.
export { type ConsoleLike, fromConsole, type Logger, silentLogger } from '@kafkit/common'
