import { startKafka } from '@kafkit/kafka-local'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRegistryApp, type RegistryApp } from '../src/index'
import { call, record, uniq } from './helpers/http-suite'

// Own 3-node cluster on this area's port range (19100+), so a broker can be killed without
// disturbing the shared broker other integration tests use.
describe('Kafka store survives the loss of the partition leader (3 brokers)', { timeout: 300_000 }, () => {
  let cluster: Awaited<ReturnType<typeof startKafka>>
  const apps: RegistryApp[] = []

  beforeAll(async () => {
    cluster = await startKafka({ nodes: 3, basePort: 'auto', heap: '384m' })
  })
  afterAll(async () => {
    for (const app of apps) await app.close()
    await cluster?.stop()
  })

  it('keeps registering through both instances while the leader is down, with identical state after', async () => {
    const topic = uniq('_schemas-failover')
    const start = async () => {
      // A write waits for its record to come back through the log; while a leader is being replaced that
      // can take longer than the 30 s default on a loaded 2-core machine, so give it room here.
      const app = createRegistryApp({
        store: { type: 'kafka', brokers: cluster.brokers, topic },
        writeTimeoutMs: 90_000,
      })
      apps.push(app)
      await app.registry.ready
      return app
    }
    const [a, b] = [await start(), await start()] as [RegistryApp, RegistryApp]
    const subject = uniq('failover')
    await call(a, 'PUT', `/config/${subject}`, { compatibility: 'NONE' })
    const schemas = Array.from({ length: 12 }, (_, i) => record(`F${i}`, [{ name: 'v', type: 'int' }]))
    for (const schema of schemas.slice(0, 4)) {
      expect((await call(a, 'POST', `/subjects/${subject}/versions`, { schema })).status).toBe(200)
    }

    // Kill the broker leading the registry topic's only partition.
    const admin = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const leaderId = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0]?.leader
    const leaderPort = (await admin.describeCluster()).brokers.find((br) => br.nodeId === leaderId)?.port
    await admin.disconnect()
    const victim = cluster.nodes().find((n) => n.port === leaderPort)
    expect(victim).toBeDefined()
    await cluster.stopNode(victim?.id as number, { hard: true })

    const during = await Promise.all(
      schemas
        .slice(4, 10)
        .map((schema, i) => call(i % 2 === 0 ? a : b, 'POST', `/subjects/${subject}/versions`, { schema })),
    )
    // On failure, show the error bodies rather than bare statuses.
    expect(during.map((r) => (r.status === 200 ? 200 : r.body))).toEqual(during.map(() => 200))

    await cluster.startNode(victim?.id as number)
    for (const schema of schemas.slice(10)) {
      expect((await call(b, 'POST', `/subjects/${subject}/versions`, { schema })).status).toBe(200)
    }
    await a.registry.sync()
    await b.registry.sync()
    expect(b.registry.state.snapshot()).toEqual(a.registry.state.snapshot())
    const versions = (await call(a, 'GET', `/subjects/${subject}/versions`)).body
    expect(versions).toEqual(Array.from({ length: schemas.length }, (_, i) => i + 1))
    const fresh = await start()
    expect(fresh.registry.state.snapshot()).toEqual(a.registry.state.snapshot())
  })
})
