import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { KafkaLocalError } from './errors'

/**
 * The opt-in secured listeners, each at its own offset from a node's PLAINTEXT port:
 * SASL_PLAINTEXT (+200), SSL (+300) and SASL_SSL (+400). SASL listeners accept PLAIN, SCRAM-SHA-256
 * and SCRAM-SHA-512 for the same users; TLS listeners present a certificate from a CA made at start.
 */
export const SECURE_LISTENERS = [
  { name: 'SASL_PLAINTEXT', key: 'saslPlaintext', offset: 200, sasl: true, tls: false },
  { name: 'SSL', key: 'ssl', offset: 300, sasl: false, tls: true },
  { name: 'SASL_SSL', key: 'saslSsl', offset: 400, sasl: true, tls: true },
] as const
export const SECURE_PORT_SPAN = 400

const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

/** `security: true`, or the SASL users to create (default: one user `kafkit` with a random password). */
export const securitySchema = z.union([
  z.boolean(),
  z
    .object({ users: z.record(z.string(), z.string()) })
    .strict()
    // Checked after the shape, so the union reports these issues rather than "invalid input".
    .superRefine(({ users }, ctx) => {
      if (Object.keys(users).length === 0) {
        ctx.addIssue({ code: 'custom', path: ['users'], message: 'at least one user' })
      }
      for (const [user, password] of Object.entries(users)) {
        if (!/^[A-Za-z0-9._-]{1,64}$/.test(user)) {
          ctx.addIssue({ code: 'custom', path: ['users', user], message: 'a user name of [A-Za-z0-9._-]' })
        }
        // The JAAS config and the SCRAM format argument take passwords unquoted.
        else if (!/^[A-Za-z0-9._~@%+-]{1,128}$/.test(password)) {
          ctx.addIssue({ code: 'custom', path: ['users', user], message: 'a password of [A-Za-z0-9._~@%+-]' })
        }
      }
    }),
])

/** Where a secured cluster is reached, and with what (throwaway credentials and CA, local use only). */
export interface KafkaLocalSecurity {
  /** Bootstrap servers per listener, one per node: `127.0.0.1:<port>`. */
  readonly saslPlaintext: string[]
  readonly ssl: string[]
  readonly saslSsl: string[]
  /** SASL users (PLAIN and SCRAM) and their passwords. */
  readonly users: Readonly<Record<string, string>>
  /** Mechanisms every SASL listener accepts. */
  readonly mechanisms: readonly string[]
  /** The CA that signed the brokers' certificate, PEM (pass it as a client's `tls.ca`). */
  readonly caPem: string
  /** The same CA as a file in the data dir. */
  readonly caFile: string
}

/** What the state file keeps, so attachKafka can tell the same as startKafka. */
export interface KafkaSecurityState {
  readonly users: Readonly<Record<string, string>>
  readonly caFile: string
  readonly keystoreFile: string
  readonly keystorePassword: string
}

export function resolveUsers(option: z.output<typeof securitySchema>): Record<string, string> | undefined {
  if (option === false) return undefined
  if (option === true) return { kafkit: randomBytes(12).toString('base64url').replace(/^-/, 'k') }
  return { ...option.users }
}

/** The ports a secured node binds besides PLAINTEXT and CONTROLLER. */
export function securePorts(node: { port: number }): number[] {
  return SECURE_LISTENERS.map((l) => node.port + l.offset)
}

export function securityView(
  basePort: number,
  nodes: number,
  s: KafkaSecurityState,
  caPem: string,
): KafkaLocalSecurity {
  const at = (offset: number) => Array.from({ length: nodes }, (_, i) => `127.0.0.1:${basePort + i + offset}`)
  return {
    saslPlaintext: at(200),
    ssl: at(300),
    saslSsl: at(400),
    users: s.users,
    mechanisms: MECHANISMS,
    caPem,
    caFile: s.caFile,
  }
}

/** server.properties entries for the secured listeners (merged with the layout keys by renderServerProperties). */
export function securityProperties(s: KafkaSecurityState): Record<string, string> {
  const plainUsers = Object.entries(s.users)
    .map(([u, p]) => `user_${u}="${p}"`)
    .join(' ')
  const props: Record<string, string> = {
    'sasl.enabled.mechanisms': MECHANISMS.join(','),
    'ssl.keystore.type': 'PKCS12',
    'ssl.keystore.location': s.keystoreFile,
    'ssl.keystore.password': s.keystorePassword,
    'ssl.key.password': s.keystorePassword,
    'ssl.client.auth': 'none',
  }
  for (const l of SECURE_LISTENERS) {
    if (!l.sasl) continue
    const name = l.name.toLowerCase()
    props[`listener.name.${name}.plain.sasl.jaas.config`] =
      `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`
    for (const m of ['scram-sha-256', 'scram-sha-512']) {
      props[`listener.name.${name}.${m}.sasl.jaas.config`] =
        'org.apache.kafka.common.security.scram.ScramLoginModule required;'
    }
  }
  return props
}

/** `listeners`, `advertised.listeners` and the protocol map entries the secured listeners add. */
export function secureListenerEntries(node: { readonly port: number }): {
  listeners: string[]
  protocols: string[]
} {
  return {
    listeners: SECURE_LISTENERS.map((l) => `${l.name}://127.0.0.1:${node.port + l.offset}`),
    protocols: SECURE_LISTENERS.map((l) => `${l.name}:${l.name}`),
  }
}

/** StorageTool arguments that create the SCRAM credentials in the metadata log at format time. */
export function scramFormatArgs(users: Readonly<Record<string, string>>): string[] {
  return Object.entries(users).flatMap(([u, p]) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u},password=${p}]`]),
  )
}

/** keytool next to `java` (the JDK's), else from PATH. */
function keytoolCommand(java: string): string {
  return basename(java) === 'java' && java.includes('/') ? join(dirname(java), 'keytool') : 'keytool'
}

// Each keytool step is a short JVM: no JIT tiers or parallel GC to start (about 3x faster on a busy machine).
const SHORT_JVM = ['-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-J-Xshare:auto']

function run(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...SHORT_JVM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString()
    })
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString()
    })
    child.on('error', (error) =>
      reject(
        new KafkaLocalError(
          'KAFKIT_KAFKA_LOCAL_TLS_FAILED',
          `could not run ${cmd} (${error.message}): it ships with the JDK; put it on PATH or set JAVA_HOME`,
          { details: { command: cmd } },
        ),
      ),
    )
    child.on('close', (code) => {
      if (code === 0) return resolve()
      reject(
        new KafkaLocalError(
          'KAFKIT_KAFKA_LOCAL_TLS_FAILED',
          `${cmd} ${args[0]} exited with ${code}: ${output.trim().split('\n').slice(-5).join('\n')}`,
          { details: { command: cmd, step: args[0], exitCode: code } },
        ),
      )
    })
  })
}

/**
 * A throwaway CA and a broker certificate it signed (for 127.0.0.1 and localhost), made with the JDK's
 * keytool in `dir`: ca.pem for clients, broker.p12 for the brokers. No network, valid for 30 days.
 */
export async function createTlsMaterial(java: string, files: TlsFiles): Promise<string> {
  await mkdir(files.dir, { recursive: true })
  const keytool = keytoolCommand(java)
  const password = files.keystorePassword
  const ca = join(files.dir, 'ca.p12')
  const broker = files.keystoreFile
  const caFile = files.caFile
  const csr = join(files.dir, 'broker.csr')
  const signed = join(files.dir, 'broker.pem')
  const store = (file: string) => ['-keystore', file, '-storetype', 'PKCS12', '-storepass', password]
  const key = ['-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '30', '-keypass', password]
  await Promise.all([
    run(keytool, [
      '-genkeypair',
      '-alias',
      'ca',
      '-dname',
      'CN=kafkit-local CA',
      '-ext',
      'bc:c',
      ...key,
      ...store(ca),
    ]),
    run(keytool, ['-genkeypair', '-alias', 'broker', '-dname', 'CN=localhost', ...key, ...store(broker)]),
  ])
  await Promise.all([
    run(keytool, ['-exportcert', '-alias', 'ca', '-rfc', '-file', caFile, ...store(ca)]),
    run(keytool, ['-certreq', '-alias', 'broker', '-file', csr, ...store(broker)]),
  ])
  await run(keytool, [
    '-gencert',
    '-alias',
    'ca',
    '-infile',
    csr,
    '-outfile',
    signed,
    '-rfc',
    '-validity',
    '30',
    '-ext',
    'SAN=ip:127.0.0.1,dns:localhost',
    '-ext',
    'EKU=serverAuth',
    ...store(ca),
  ])
  await run(keytool, ['-importcert', '-noprompt', '-alias', 'ca', '-file', caFile, ...store(broker)])
  await run(keytool, ['-importcert', '-noprompt', '-alias', 'broker', '-file', signed, ...store(broker)])
  return readFile(caFile, 'utf8')
}

export interface TlsFiles {
  readonly dir: string
  readonly caFile: string
  readonly keystoreFile: string
  readonly keystorePassword: string
}

/** Where a cluster's TLS material goes (in its data dir), with a fresh keystore password. */
export function tlsFiles(dataDir: string): TlsFiles {
  const dir = join(dataDir, 'tls')
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    keystoreFile: join(dir, 'broker.p12'),
    keystorePassword: randomBytes(12).toString('hex'),
  }
}
