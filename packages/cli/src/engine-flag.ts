import { ENGINE_NAMES, type EngineName } from '@kafkit/client'
import { type Command, InvalidArgumentError } from 'commander'

/** `--engine kafkajs|platformatic` on every command that talks to Kafka (default: $KAFKIT_ENGINE, else platformatic). */
export function engineFlag(command: Command): Command {
  return command.option(
    '--engine <name>',
    `Kafka client engine: ${ENGINE_NAMES.join(' | ')} (default: $KAFKIT_ENGINE, else platformatic)`,
    parseEngine,
  )
}

function parseEngine(value: string): EngineName {
  if ((ENGINE_NAMES as readonly string[]).includes(value)) return value as EngineName
  throw new InvalidArgumentError(`expected ${ENGINE_NAMES.join(' or ')}`)
}
