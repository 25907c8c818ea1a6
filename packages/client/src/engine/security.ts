import { isIP } from 'node:net'
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls'
import { parseOptions } from '@kafkit/common'
import { z } from 'zod'
import { ClientError } from '../errors'
import type { KafkaEngine } from './types'

/** SASL mechanisms both engines speak (kafkajs 2.2 and @platformatic/kafka 2.x). */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const
export type SaslMechanism = (typeof SASL_MECHANISMS)[number]

const pem = z.union(
  [z.string().min(1), z.instanceof(Buffer)],
  'a PEM string or Buffer (e.g. readFileSync("ca.pem"))',
)

/**
 * TLS to the brokers: `true` trusts the system's CAs; an object adds a CA (`ca`), a client certificate
 * (`cert` + `key`, for brokers with ssl.client.auth), or `servername` for SNI and the name check.
 */
export const tlsSchema = z.union([
  z.boolean(),
  z
    .object({
      ca: z.union([pem, z.array(pem).min(1)]).optional(),
      cert: pem.optional(),
      key: pem.optional(),
      passphrase: z.string().optional(),
      /** false accepts any certificate (never in production: anyone in between can read the traffic). */
      rejectUnauthorized: z.boolean().optional(),
      servername: z.string().min(1).optional(),
    })
    .strict()
    .refine((t) => (t.cert === undefined) === (t.key === undefined), {
      message: 'a client certificate needs both `cert` and `key`',
    }),
])

/**
 * SASL to the brokers. The password is kept off the enumerable properties of the parsed options, so
 * logging or serializing them never shows it.
 */
export const saslSchema = z
  .object({
    mechanism: z.enum(SASL_MECHANISMS, {
      message: `sasl.mechanism must be ${SASL_MECHANISMS.map((m) => `'${m}'`).join(', ')}`,
    }),
    username: z.string().min(1, 'sasl.username is required'),
    password: z.string().min(1, 'sasl.password is required'),
  })
  .strict()
  .transform((s): ResolvedSasl => hidePassword(s))

export type TlsOptions = z.input<typeof tlsSchema>
export type SaslOptions = z.input<typeof saslSchema>

/** `tls` and `sasl` on every factory that takes `brokers` (they secure the engine built on them). */
export interface SecurityOptions {
  /** TLS to the brokers: `true` (the system's CAs) or `{ ca, cert, key, passphrase, rejectUnauthorized, servername }`. */
  readonly tls?: TlsOptions | undefined
  /** SASL: `{ mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512', username, password }`. */
  readonly sasl?: SaslOptions | undefined
}

/** Parsed SASL settings; `password` is not enumerable (absent from JSON, inspect and spreads). */
export interface ResolvedSasl {
  readonly mechanism: SaslMechanism
  readonly username: string
  readonly password: string
}

/** What an engine needs to reach secured brokers (already validated). */
export interface EngineSecurity {
  readonly tls?: TlsOptions | undefined
  readonly sasl?: ResolvedSasl | undefined
}

const securitySchema = z.object({ tls: tlsSchema.optional(), sasl: saslSchema.optional() })

/** Validates an engine's `tls` and `sasl` (the factories validated them already; engines built directly did not). */
export function resolveSecurity(input: { readonly tls?: unknown; readonly sasl?: unknown }): EngineSecurity {
  return parseOptions(
    securitySchema,
    { tls: input.tls, sasl: input.sasl },
    {
      what: 'engine',
      error: (message, options) => new ClientError('KAFKIT_INVALID_OPTIONS', message, options),
    },
  )
}

function hidePassword(s: { mechanism: SaslMechanism; username: string; password: string }): ResolvedSasl {
  const out = { mechanism: s.mechanism, username: s.username }
  Object.defineProperty(out, 'password', { value: s.password, enumerable: false })
  return Object.freeze(out) as ResolvedSasl
}

/** Node's tls.connect options for `tls` (undefined: no TLS). SNI is left to the caller (it needs the host). */
export function nodeTlsOptions(tls: TlsOptions | undefined): ConnectionOptions | undefined {
  if (tls === undefined || tls === false) return undefined
  if (tls === true) return {}
  const { servername: _, ...rest } = tls
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ConnectionOptions
}

/** The SNI name for `host`: the configured one, else the host unless it is an IP (RFC 6066 forbids IPs). */
export function serverNameFor(tls: TlsOptions | undefined, host: string): string | undefined {
  if (typeof tls === 'object' && tls.servername) return tls.servername
  return isIP(host) ? undefined : host
}

// Certificate checks that fail the same way on every retry: the engines would retry them like a
// network blip (kafkajs for ~20 s), so they are reported at once instead.
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/**
 * One TLS handshake with the first reachable bootstrap broker before the engine connects, so an
 * untrusted or mismatched certificate fails at once with KAFKIT_CLIENT_AUTH_FAILED. Unreachable
 * brokers and other errors are left to the engine (its retries and its errors).
 */
export async function checkTlsTrust(
  brokers: readonly string[],
  tls: TlsOptions | undefined,
  timeoutMs: number,
): Promise<void> {
  const options = nodeTlsOptions(tls)
  if (!options) return
  for (const broker of brokers) {
    const i = broker.lastIndexOf(':')
    const host = broker.slice(0, i)
    const port = Number(broker.slice(i + 1))
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const servername = serverNameFor(tls, host)
      const socket = tlsConnect({ ...options, host, port, ...(servername ? { servername } : {}) })
      const timer = setTimeout(() => socket.destroy(new Error('timeout')), timeoutMs)
      socket.once('secureConnect', () => {
        clearTimeout(timer)
        socket.destroy()
        resolve(undefined)
      })
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        socket.destroy()
        resolve(e)
      })
    })
    if (error === undefined) return
    if (error.code && TLS_TRUST_CODES.has(error.code)) {
      throw new ClientError(
        'KAFKIT_CLIENT_AUTH_FAILED',
        `TLS: broker ${broker} presented a certificate this client does not trust (${error.code}: ${error.message}); pass the CA that signed it in tls.ca, or the name it was issued for in tls.servername`,
        { details: { broker, reason: error.code }, canRetry: false },
      )
    }
  }
}

/** The engine's SASL refusal as KAFKIT_CLIENT_AUTH_FAILED (no secret in it), or undefined for other errors. */
export function saslFailure(error: unknown, sasl: ResolvedSasl | undefined): ClientError | undefined {
  if (!sasl || !isSaslRefusal(error)) return undefined
  return new ClientError(
    'KAFKIT_CLIENT_AUTH_FAILED',
    `SASL: the broker refused ${sasl.mechanism.toUpperCase()} authentication for user '${sasl.username}'; check the username, password and mechanism (the broker must enable ${sasl.mechanism.toUpperCase()} on this listener)`,
    { details: { mechanism: sasl.mechanism, username: sasl.username }, canRetry: false },
  )
}

/** kafkajs' KafkaJSSASLAuthenticationError, or @platformatic/kafka's AuthenticationError, anywhere in the chain. */
function isSaslRefusal(error: unknown): boolean {
  return inChain(
    error,
    (e) => e.name === 'KafkaJSSASLAuthenticationError' || e.code === 'PLT_KFK_AUTHENTICATION',
  )
}

/**
 * A refusal that fails the same way on every attempt (SASL credentials, an untrusted certificate).
 * @platformatic/kafka 2.12 retries its AuthenticationError (it sits in a retriable NetworkError's
 * `cause`, which the retry check does not read), so its engine spends no back-off on these.
 */
export function isSecurityRefusal(error: unknown): boolean {
  return inChain(
    error,
    (e) =>
      e.code === 'PLT_KFK_AUTHENTICATION' ||
      e.name === 'KafkaJSSASLAuthenticationError' ||
      (typeof e.code === 'string' && TLS_TRUST_CODES.has(e.code)),
  )
}

type ErrorLike = { name?: unknown; code?: unknown; errors?: unknown; cause?: unknown }

function inChain(error: unknown, match: (e: ErrorLike) => boolean, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false
  const e = error as ErrorLike
  if (match(e)) return true
  const nested = Array.isArray(e.errors) ? e.errors : []
  return nested.some((x) => inChain(x, match, depth + 1)) || inChain(e.cause, match, depth + 1)
}

/**
 * The engine with every connect() checked: an untrusted broker certificate fails before the engine's
 * retries, and a SASL refusal comes back as KAFKIT_CLIENT_AUTH_FAILED on both engines alike.
 */
export function withSecurityChecks(
  engine: KafkaEngine,
  brokers: readonly string[],
  security: EngineSecurity,
  timeoutMs: number,
  refusals?: RefusalSignal,
): KafkaEngine {
  if (!security.tls && !security.sasl) return engine
  let trusted: Promise<void> | undefined
  const checked = async (connect: () => Promise<void>): Promise<void> => {
    if (security.tls) {
      trusted ??= checkTlsTrust(brokers, security.tls, timeoutMs).catch((error: unknown) => {
        trusted = undefined
        throw error
      })
      await trusted
    }
    const refused = refusals?.next()
    const attempt = connect()
    try {
      await (refused ? Promise.race([attempt, refused.promise]) : attempt)
    } catch (error) {
      // The engine's own attempt may still be retrying: its end is of no interest any more.
      attempt.catch(() => {})
      throw saslFailure(error, security.sasl) ?? error
    } finally {
      refused?.cancel()
    }
  }
  const wrap = <T extends { connect(): Promise<void> }>(client: T): T => {
    const connect = client.connect.bind(client)
    client.connect = () => checked(connect)
    return client
  }
  const transactional = engine.transactionalProducer?.bind(engine)
  return {
    name: engine.name,
    producer: (o) => wrap(engine.producer(o)),
    consumer: (o) => wrap(engine.consumer(o)),
    admin: () => wrap(engine.admin()),
    ...(transactional ? { transactionalProducer: (o) => wrap(transactional(o)) } : {}),
  }
}

/**
 * Refusals an engine's retry loop has seen (wrong credentials, an untrusted certificate): a connect()
 * waiting on the engine fails with the first one instead of after every retry. The credentials are the
 * engine's, so one client's refusal answers every client connecting at that moment.
 */
export class RefusalSignal {
  readonly #waiting = new Set<(error: unknown) => void>()

  emit(error: unknown): void {
    for (const reject of this.#waiting) reject(error)
  }

  /** A promise that rejects with the next refusal, and how to stop waiting for it. */
  next(): { promise: Promise<never>; cancel(): void } {
    let reject!: (error: unknown) => void
    const promise = new Promise<never>((_, r) => {
      reject = r
    })
    promise.catch(() => {})
    this.#waiting.add(reject)
    return { promise, cancel: () => this.#waiting.delete(reject) }
  }
}
