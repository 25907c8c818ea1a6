import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRegistryApp, type RegistryApp, RegistryClient, startRegistry } from '../src/index'
import { call, uniq, v1 } from './helpers/http-suite'

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
})

describe('basic auth with read-only and read-write users', () => {
  let app: RegistryApp
  const rw = basic('writer', 'w-secret')
  const ro = basic('reader', 'r-secret')

  beforeAll(async () => {
    app = createRegistryApp({
      auth: {
        users: [
          { username: 'writer', password: 'w-secret', role: 'read-write' },
          { username: 'reader', password: 'r-secret', role: 'read-only' },
        ],
      },
    })
    await app.registry.ready
  })
  afterAll(async () => {
    await app?.close()
  })

  it('answers 401 without or with wrong credentials, with a challenge', async () => {
    const none = await call(app, 'GET', '/subjects')
    expect(none.status).toBe(401)
    expect(none.body.error_code).toBe(401)
    expect(String(none.headers['www-authenticate'])).toContain('Basic')
    expect((await call(app, 'GET', '/subjects', undefined, basic('writer', 'nope'))).status).toBe(401)
    expect((await call(app, 'GET', '/subjects', undefined, basic('ghost', 'w-secret'))).status).toBe(401)
    expect((await call(app, 'GET', '/subjects', undefined, { authorization: 'Bearer x' })).status).toBe(401)
  })

  it('lets read-only users read, look up and test compatibility, but answers 403 to their writes', async () => {
    const s = uniq()
    expect((await call(app, 'POST', `/subjects/${s}/versions`, { schema: v1 }, rw)).status).toBe(200)
    expect((await call(app, 'GET', `/subjects/${s}/versions`, undefined, ro)).body).toEqual([1])
    expect((await call(app, 'POST', `/subjects/${s}`, { schema: v1 }, ro)).status).toBe(200)
    expect(
      (await call(app, 'POST', `/compatibility/subjects/${s}/versions/latest`, { schema: v1 }, ro)).status,
    ).toBe(200)
    const writes: Array<[string, string, unknown]> = [
      ['POST', `/subjects/${s}/versions`, { schema: v1 }],
      ['DELETE', `/subjects/${s}`, undefined],
      ['DELETE', `/subjects/${s}/versions/1`, undefined],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['PUT', `/config/${s}`, { compatibility: 'NONE' }],
      ['PUT', '/mode', { mode: 'READONLY' }],
    ]
    // Other spellings of the register path cannot dodge the check.
    writes.push(
      ['POST', `/subjects/${s}/versions/`, { schema: v1 }],
      ['POST', `/subjects/${s}/versions?x=1`, { schema: v1 }],
    )
    for (const [method, url, body] of writes) {
      const answer = await call(app, method as 'POST', url, body, ro)
      expect({ method, url, status: answer.status, code: answer.body.error_code }).toEqual({
        method,
        url,
        status: 403,
        code: 403,
      })
    }
    expect((await call(app, 'GET', `/subjects/${s}/versions`, undefined, rw)).body).toEqual([1])
  })

  it('keeps /health and /ready open for probes', async () => {
    expect((await call(app, 'GET', '/health')).status).toBe(200)
    expect((await call(app, 'GET', '/ready')).status).toBe(200)
  })
})

describe('structured request logs through the injected logger', () => {
  it('logs one entry per request with method, url, status and duration', async () => {
    const entries: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = []
    const push = (obj: object, msg?: string) => entries.push({ obj: obj as Record<string, unknown>, msg })
    const app = createRegistryApp({ logger: { info: push, warn: push, error: push } })
    try {
      await app.registry.ready
      await call(app, 'GET', '/subjects/none-here/versions')
      const entry = entries.find((e) => e.msg === 'request' && e.obj.url === '/subjects/none-here/versions')
      expect(entry?.obj).toMatchObject({ method: 'GET', statusCode: 404 })
      expect(typeof entry?.obj.durationMs).toBe('number')
    } finally {
      await app.close()
    }
  })
})

describe('TLS', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kafkit-registry-tls-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('serves HTTPS with the given certificate', async () => {
    const key = await readFile(join(dir, 'key.pem'))
    const cert = await readFile(join(dir, 'cert.pem'))
    const server = await startRegistry({ port: 0, tls: { key, cert } })
    try {
      expect(server.url.startsWith('https://')).toBe(true)
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${server.url}/subjects`, { ca: cert }, (res) => {
          let data = ''
          res.on('data', (c) => {
            data += c
          })
          res.on('end', () => resolve(data))
        })
        req.on('error', reject)
        req.end()
      })
      expect(JSON.parse(body)).toEqual([])
      // Plain HTTP clients that do not trust the certificate fail to connect (no silent downgrade).
      const untrusting = new RegistryClient({ url: server.url, retries: 0 })
      await expect(untrusting.listSubjects()).rejects.toMatchObject({ code: 'KAFKIT_REGISTRY_NETWORK_ERROR' })
    } finally {
      await server.close()
    }
  })
})
