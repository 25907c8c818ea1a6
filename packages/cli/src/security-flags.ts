import { readFileSync } from 'node:fs'
import { SASL_MECHANISMS, type SaslMechanism, type SecurityOptions } from '@kafkit/client'
import { type Command, InvalidArgumentError } from 'commander'

/** The flags securityFlags adds (each also read from its environment variable). */
export interface SecurityFlags {
  tls?: boolean
  tlsCa?: string
  saslMechanism?: SaslMechanism
  saslUsername?: string
}

/**
 * TLS and SASL on a command that talks to Kafka: `--tls`, `--tls-ca <file>`, `--sasl-mechanism`,
 * `--sasl-username`. The password is read from $KAFKIT_SASL_PASSWORD only: a flag would show it in
 * `ps` and in the shell's history.
 */
export function securityFlags(command: Command): Command {
  return command
    .option('--tls', 'connect to the brokers over TLS, trusting the system CAs (default: $KAFKIT_TLS=1)')
    .option(
      '--tls-ca <file>',
      "PEM file of the CA that signed the brokers' certificates; implies --tls (default: $KAFKIT_TLS_CA)",
    )
    .option(
      '--sasl-mechanism <name>',
      `SASL mechanism: ${SASL_MECHANISMS.join(' | ')}; the password comes from $KAFKIT_SASL_PASSWORD (default: $KAFKIT_SASL_MECHANISM)`,
      parseMechanism,
    )
    .option('--sasl-username <name>', 'SASL user name (default: $KAFKIT_SASL_USERNAME)')
}

function parseMechanism(value: string): SaslMechanism {
  if ((SASL_MECHANISMS as readonly string[]).includes(value)) return value as SaslMechanism
  throw new InvalidArgumentError(`expected ${SASL_MECHANISMS.join(', ')}`)
}

/** The client's `tls` and `sasl` options from the flags, else the environment. Errors name what is missing. */
export function securityOptions(
  flags: SecurityFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SecurityOptions {
  const caFile = flags.tlsCa ?? (env.KAFKIT_TLS_CA || undefined)
  const tlsOn = flags.tls === true || caFile !== undefined || ['1', 'true'].includes(env.KAFKIT_TLS ?? '')
  let ca: string | undefined
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8')
    } catch (error) {
      throw new Error(
        `--tls-ca ${caFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      )
    }
  }
  const mechanism = flags.saslMechanism ?? (env.KAFKIT_SASL_MECHANISM || undefined)
  const username = flags.saslUsername ?? (env.KAFKIT_SASL_USERNAME || undefined)
  const password = env.KAFKIT_SASL_PASSWORD || undefined
  let sasl: SecurityOptions['sasl']
  if (mechanism !== undefined || username !== undefined) {
    if (mechanism === undefined || !(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new Error(
        `SASL needs --sasl-mechanism (or $KAFKIT_SASL_MECHANISM): ${SASL_MECHANISMS.join(', ')}`,
      )
    }
    if (username === undefined) throw new Error('SASL needs --sasl-username (or $KAFKIT_SASL_USERNAME)')
    if (password === undefined) {
      throw new Error(
        'SASL needs the password in $KAFKIT_SASL_PASSWORD (it is never a flag: flags show in `ps` and shell history)',
      )
    }
    sasl = { mechanism: mechanism as SaslMechanism, username, password }
  }
  return {
    ...(tlsOn ? { tls: ca === undefined ? true : { ca } } : {}),
    ...(sasl ? { sasl } : {}),
  }
}
