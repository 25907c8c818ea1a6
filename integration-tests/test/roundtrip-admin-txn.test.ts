import { randomUUID } from 'node:crypto'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { waitFor } from '../fault/kafka-tools'

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs

// The broker version kafka-local pins must serve everything kafkajs 2.2.4 does: admin and transactions.
describe('kafkajs admin and transactions against the real broker', () => {
  const suffix = randomUUID().slice(0, 8)
  const kafka = new Kafka({
    clientId: `admin-txn-${suffix}`,
    brokers: inject('kafkaBrokers'),
    // Transient coordinator errors while the group forms are retried by kafkajs; failures surface as assertions.
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()
  const topics: string[] = []

  beforeAll(async () => {
    await admin.connect()
  })
  afterAll(async () => {
    await admin.deleteTopics({ topics }).catch(() => {})
    await admin.disconnect()
  })

  it('creates topics, alters and describes configs, adds partitions', async () => {
    const topic = `admin-${suffix}`
    topics.push(topic)
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(
      true,
    )
    expect(await admin.listTopics()).toContain(topic)

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [{ name: 'retention.ms', value: '3600000' }],
        },
      ],
    })
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    })
    const entry = described.resources[0]!.configEntries.find((e) => e.configName === 'retention.ms')
    expect(entry?.configValue).toBe('3600000')

    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] })
    // Metadata reaches every broker a moment after the controller answered: wait for it, then check.
    let partitions = 0
    await waitFor(
      async () => {
        partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0
        return partitions === 4
      },
      30_000,
      () => `${topic} has ${partitions} partitions`,
    )
    expect(partitions).toBe(4)
  })

  it('commits a transaction with sendOffsets, and aborted records stay invisible to read_committed', async () => {
    const input = `txn-in-${suffix}`
    const output = `txn-out-${suffix}`
    const groupId = `txn-group-${suffix}`
    topics.push(input, output)
    await admin.createTopics({ topics: [{ topic: input }, { topic: output }], waitForLeaders: true })

    const producer = kafka.producer({
      transactionalId: `txn-${suffix}`,
      idempotent: true,
      maxInFlightRequests: 1,
    })
    await producer.connect()

    const aborted = await producer.transaction()
    await aborted.send({ topic: output, messages: [{ key: 'k', value: 'aborted' }] })
    await aborted.abort()

    const committed = await producer.transaction()
    await committed.send({ topic: output, messages: [{ key: 'k', value: 'committed' }] })
    await committed.sendOffsets({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: '42' }] }],
    })
    await committed.commit()
    await producer.disconnect()

    // sendOffsets committed the group's offset as part of the transaction. The broker applies it when the
    // commit marker lands in __consumer_offsets, a moment after commit() returns: poll (bounded) for it.
    let committedOffset: string | undefined
    for (let attempt = 0; attempt < 100 && committedOffset !== '42'; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100))
      const offsets = await admin.fetchOffsets({ groupId, topics: [input] })
      committedOffset = offsets[0]!.partitions.find((p) => p.partition === 0)?.offset
    }
    expect(committedOffset).toBe('42')

    const consumer = kafka.consumer({ groupId: `txn-reader-${suffix}`, readUncommitted: false })
    await consumer.connect()
    await consumer.subscribe({ topic: output, fromBeginning: true })
    const values = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = []
      consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.push(message.value?.toString() ?? '')
            if (seen.includes('committed')) resolve(seen)
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    expect(values).toEqual(['committed'])
  })
})
