import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeCluster, type KafkaLocalCluster, startKafka } from '../src/index'

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs

type Admin = ReturnType<InstanceType<typeof Kafka>['admin']>

/**
 * kafkajs's waitForLeaders only retries LEADER_NOT_AVAILABLE, but on 3 nodes a broker whose metadata
 * lags answers UNKNOWN_TOPIC_OR_PARTITION for a moment: poll until every broker knows every leader.
 */
async function createTopic(admin: Admin, topic: string, numPartitions?: number): Promise<void> {
  await admin.createTopics({
    topics: [{ topic, ...(numPartitions ? { numPartitions } : {}) }],
    waitForLeaders: false,
  })
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] })
      if (meta.topics[0]!.partitions.every((p) => p.leader >= 0)) return
    } catch {
      // metadata not propagated yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Always starts its own cluster: this is the launcher's own test, KAFKA_BROKERS does not apply.
describe('startKafka({ nodes: 3 })', () => {
  let cluster: KafkaLocalCluster
  const suffix = randomUUID().slice(0, 8)

  beforeAll(async () => {
    cluster = await startKafka({ nodes: 3, basePort: 'auto' })
  }, 400_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('starts three combined nodes on the documented port layout, all in the metadata', async () => {
    const nodes = cluster.nodes()
    expect(nodes.map((n) => n.id)).toEqual([1, 2, 3])
    const base = nodes[0]!.port
    expect(nodes.map((n) => n.port)).toEqual([base, base + 1, base + 2])
    expect(nodes.map((n) => n.controllerPort)).toEqual([base + 100, base + 101, base + 102])
    expect(cluster.brokers).toEqual(nodes.map((n) => `127.0.0.1:${n.port}`))
    for (const n of nodes) expect(n.pid !== undefined && isAlive(n.pid)).toBe(true)
    const view = await describeCluster(cluster.brokers)
    expect(view?.clusterId).toBe(cluster.clusterId)
    expect(view?.brokerIds).toEqual([1, 2, 3])
  })

  it('defaults topics to replication factor 3 and min.insync.replicas 2', async () => {
    const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    const topic = `defaults-${suffix}`
    await createTopic(admin, topic)
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    expect(meta.topics[0]!.partitions.length).toBe(3)
    for (const p of meta.topics[0]!.partitions) expect(p.replicas.length).toBe(3)
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
    })
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('2')
    await admin.deleteTopics({ topics: [topic] })
    await admin.disconnect()
  })

  it('survives a hard-killed node (acks=all) and takes it back after startNode', async () => {
    // A client rides out a dead leader with retries until the controller fences the node and moves leaders.
    const retry = { retries: 40, initialRetryTime: 200, maxRetryTime: 2_000 }
    const kafka = new Kafka({ brokers: cluster.brokers, logLevel: logLevel.NOTHING, retry })
    const admin = kafka.admin()
    await admin.connect()
    const topic = `fault-${suffix}`
    await createTopic(admin, topic, 3)
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry })
    await producer.connect()
    const send = (from: number, n: number) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })),
      })
    await send(0, 100)

    const victim = cluster.nodes().find((n) => n.id === 2)!
    await cluster.stopNode(2, { hard: true })
    expect(isAlive(victim.pid!)).toBe(false)
    expect(cluster.nodes().find((n) => n.id === 2)!.pid).toBeUndefined()

    // Two of three replicas left: min.insync.replicas=2 still accepts acks=all.
    await send(100, 100)

    const consumer = kafka.consumer({ groupId: `fault-group-${suffix}`, retry })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen = new Map<string, string>()
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.set(message.key!.toString(), message.value!.toString())
            if (seen.size === 200) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    for (let i = 0; i < 200; i++) expect(seen.get(`k${i}`)).toBe(`v${i}`)

    await cluster.startNode(2)
    const restarted = cluster.nodes().find((n) => n.id === 2)!
    expect(restarted.pid).not.toBe(victim.pid)
    expect(isAlive(restarted.pid!)).toBe(true)
    const view = await describeCluster([restarted.bootstrap])
    expect(view?.brokerIds).toEqual([1, 2, 3])
    await send(200, 10)

    await producer.disconnect()
    await admin.deleteTopics({ topics: [topic] })
    await admin.disconnect()
  })

  it('rejects unknown node ids and starting a running node with typed errors', async () => {
    await expect(cluster.stopNode(7)).rejects.toMatchObject({ code: 'KAFKIT_KAFKA_LOCAL_UNKNOWN_NODE' })
    await expect(cluster.startNode(1)).rejects.toMatchObject({ code: 'KAFKIT_KAFKA_LOCAL_NODE_RUNNING' })
  })

  it('stop() ends every JVM it started and removes the temp data dir', async () => {
    const pids = cluster.nodes().map((n) => n.pid!)
    const dir = cluster.dataDir
    await cluster.stop()
    for (const pid of pids) expect(isAlive(pid)).toBe(false)
    expect(existsSync(dir)).toBe(false)
    await cluster.stop() // idempotent
    await expect(cluster.startNode(1)).rejects.toMatchObject({ code: 'KAFKIT_KAFKA_LOCAL_CLUSTER_STOPPED' })
  })
})
