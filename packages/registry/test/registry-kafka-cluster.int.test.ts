import { Kafka, logLevel } from 'kafkajs'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { createRegistryApp, type RegistryApp } from '../src/index'
import { call, record, uniq } from './helpers/http-suite'

const brokers = inject('kafkaBrokers')

describe('Kafka store shared by several registry instances', () => {
  const apps: RegistryApp[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
  })
  const start = async (topic: string) => {
    const app = createRegistryApp({ store: { type: 'kafka', brokers, topic } })
    apps.push(app)
    await app.registry.ready
    return app
  }

  it('creates the topic compacted with one partition', async () => {
    const topic = uniq('_schemas-create')
    await start(topic)
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      expect(meta.topics[0]?.partitions.length).toBe(1)
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
      })
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact')
    } finally {
      await admin.disconnect()
    }
  })

  it('gives identical, unique ids and versions under concurrent writes to different instances, and after restart', async () => {
    const topic = uniq('_schemas-conc')
    const instances = [await start(topic), await start(topic), await start(topic)]
    const subjects = [uniq('a'), uniq('b'), uniq('c')]
    // 30 distinct schemas, some registered under two subjects through different instances at once.
    const schemas = Array.from({ length: 30 }, (_, i) => record(`R${i}`, [{ name: `f${i}`, type: 'int' }]))
    // NONE: unrelated records under one subject must all register.
    await Promise.all(
      subjects.map((s) =>
        call(instances[0] as RegistryApp, 'PUT', `/config/${s}`, { compatibility: 'NONE' }),
      ),
    )
    const writes: Array<Promise<{ subject: string; schema: string; id: number; status: number }>> = []
    for (const [i, schema] of schemas.entries()) {
      for (const k of [0, 1]) {
        const subject = subjects[(i + k) % subjects.length] as string
        // Each subject gets writes through two different instances (subject s from s+1 and s-1).
        const app = instances[(i + 2 * k + 1) % instances.length] as RegistryApp
        writes.push(
          call(app, 'POST', `/subjects/${subject}/versions`, { schema }).then((r) => ({
            subject,
            schema,
            id: r.body.id,
            status: r.status,
          })),
        )
      }
    }
    const results = await Promise.all(writes)
    expect(results.filter((r) => r.status !== 200)).toEqual([])
    // One id per schema text, one schema per id.
    const idOf = new Map<string, number>()
    for (const r of results) {
      const known = idOf.get(r.schema)
      if (known !== undefined) expect(r.id).toBe(known)
      idOf.set(r.schema, r.id)
    }
    expect(new Set(idOf.values()).size).toBe(schemas.length)

    for (const app of instances) await app.registry.sync()
    const snapshots = instances.map((app) => app.registry.state.snapshot())
    expect(snapshots[1]).toEqual(snapshots[0])
    expect(snapshots[2]).toEqual(snapshots[0])
    for (const s of subjects) {
      const versions = (await call(instances[2] as RegistryApp, 'GET', `/subjects/${s}/versions`)).body
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1))
    }

    // A restarted instance rebuilds exactly the same state from the topic before it serves.
    const closing = instances[0] as RegistryApp
    apps.splice(apps.indexOf(closing), 1)
    await closing.close()
    const restarted = await start(topic)
    expect(restarted.registry.state.snapshot()).toEqual(snapshots[0])
    const again = await call(restarted, 'POST', `/subjects/${subjects[0]}/versions`, { schema: schemas[0] })
    expect(again.body.id).toBe(idOf.get(schemas[0] as string))
  })

  it('reports an unreachable cluster as a store error and stays not ready', async () => {
    const app = createRegistryApp({
      store: { type: 'kafka', brokers: ['127.0.0.1:1'], topic: uniq('_schemas-down') },
    })
    apps.push(app)
    await expect(app.registry.ready).rejects.toMatchObject({ code: 'KAFKIT_REGISTRY_STORE_ERROR' })
    expect((await call(app, 'GET', '/ready')).status).toBe(503)
  })

  it('refuses to start, with a store error that says how to fix it, on a log whose first records were deleted', async () => {
    const topic = uniq('_schemas-truncated')
    const first = await start(topic)
    for (let i = 0; i < 3; i++) {
      const schema = record(`T${i}`, [{ name: `f${i}`, type: 'int' }])
      expect((await call(first, 'POST', `/subjects/${uniq('t')}/versions`, { schema })).status).toBe(200)
    }
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      // Kafka refuses deleteRecords on a compacted topic: make it deletable first, as an operator might.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: 2, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }],
      })
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] })
    } finally {
      await admin.disconnect()
    }
    // A new instance reads from offset 0, which is gone: no hang and no partial state, a clear refusal.
    const app = createRegistryApp({ store: { type: 'kafka', brokers, topic } })
    apps.push(app)
    await expect(app.registry.ready).rejects.toMatchObject({
      code: 'KAFKIT_REGISTRY_STORE_ERROR',
      message: expect.stringContaining('records were deleted from it'),
    })
    expect((await call(app, 'GET', '/ready')).status).toBe(503)
    expect(app.registry.state.appliedCount).toBe(0)
  })

  it('answers 50002 when a write is not read back from the topic in time', async () => {
    const app = createRegistryApp({
      store: { type: 'kafka', brokers, topic: uniq('_schemas-timeout') },
      // Far shorter than any produce + fetch round trip.
      writeTimeoutMs: 1,
    })
    apps.push(app)
    await app.registry.ready
    const res = await call(app, 'POST', `/subjects/${uniq()}/versions`, { schema: record('T', []) })
    expect(res.status).toBe(500)
    expect(res.body.error_code).toBe(50002)
  })
})
