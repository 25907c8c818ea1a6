import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, describe, expect, it } from 'vitest'
import { securityFlags, securityOptions } from '../src/security-flags'

const dir = mkdtempSync(join(tmpdir(), 'kafkit-cli-security-'))
const caFile = join(dir, 'ca.pem')
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('--tls / --sasl-* flags and their environment variables', () => {
  it('adds the flags, and refuses an unknown mechanism', () => {
    const cmd = securityFlags(new Command('x').exitOverride().configureOutput({ writeErr: () => {} }))
    cmd.parse(['--tls-ca', caFile, '--sasl-mechanism', 'scram-sha-256', '--sasl-username', 'u'], {
      from: 'user',
    })
    expect(cmd.opts()).toEqual({ tlsCa: caFile, saslMechanism: 'scram-sha-256', saslUsername: 'u' })
    const bad = securityFlags(new Command('y').exitOverride().configureOutput({ writeErr: () => {} }))
    expect(() => bad.parse(['--sasl-mechanism', 'gssapi'], { from: 'user' })).toThrow(
      /expected plain, scram-sha-256, scram-sha-512/,
    )
  })

  it('maps flags (over the environment) to the client options; the password only from the environment', () => {
    expect(securityOptions({}, {})).toEqual({})
    expect(securityOptions({ tls: true }, {})).toEqual({ tls: true })
    expect(securityOptions({}, { KAFKIT_TLS: '1' })).toEqual({ tls: true })
    expect(securityOptions({ tlsCa: caFile }, {})).toEqual({
      tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
    })
    expect(
      securityOptions(
        { saslUsername: 'flag-user' },
        { KAFKIT_SASL_MECHANISM: 'plain', KAFKIT_SASL_USERNAME: 'env-user', KAFKIT_SASL_PASSWORD: 'pw' },
      ),
    ).toEqual({ sasl: { mechanism: 'plain', username: 'flag-user', password: 'pw' } })
  })

  it('says what is missing, and never echoes a password', () => {
    expect(() => securityOptions({ saslMechanism: 'plain', saslUsername: 'u' }, {})).toThrow(
      /password in \$KAFKIT_SASL_PASSWORD/,
    )
    expect(() => securityOptions({ saslUsername: 'u' }, { KAFKIT_SASL_PASSWORD: 'secret-pw' })).toThrow(
      /needs --sasl-mechanism/,
    )
    expect(() =>
      securityOptions(
        {},
        { KAFKIT_SASL_MECHANISM: 'md5', KAFKIT_SASL_USERNAME: 'u', KAFKIT_SASL_PASSWORD: 'secret-pw' },
      ),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret-pw') }))
    expect(() => securityOptions({ tlsCa: join(dir, 'missing.pem') }, {})).toThrow(
      /--tls-ca .*missing\.pem: cannot read it \(ENOENT\)/,
    )
  })
})
