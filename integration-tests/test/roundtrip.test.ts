import { randomUUID } from 'node:crypto'
import kafkajs from 'kafkajs'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const { Kafka, logLevel } = kafkajs

const COUNT = 10_000
const PARTITIONS = 3

describe('kafkajs round trip against the real broker', () => {
  const suffix = randomUUID().slice(0, 8)
  const topic = `roundtrip-${suffix}`
  const groupId = `roundtrip-group-${suffix}`
  const kafka = new Kafka({
    clientId: `roundtrip-${suffix}`,
    brokers: inject('kafkaBrokers'),
    // Transient coordinator errors while the group forms are retried by kafkajs; failures surface as assertions.
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()

  beforeAll(async () => {
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true })
  })
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {})
    await admin.disconnect()
  })

  it(`produces ${COUNT} records and consumes every one in a consumer group`, async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    const expected = new Map<string, string>()
    for (let batch = 0; batch < COUNT / 1000; batch++) {
      const messages = Array.from({ length: 1000 }, (_, j) => {
        const i = batch * 1000 + j
        const key = `key-${i}`
        const value = JSON.stringify({ i, text: `value-${i}-${suffix}` })
        expected.set(key, value)
        return { key, value }
      })
      await producer.send({ topic, messages })
    }
    await producer.disconnect()
    expect(expected.size).toBe(COUNT)

    const received = new Map<string, string>()
    const consumer = kafka.consumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    let duplicates = 0
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const key = message.key?.toString() ?? '<null>'
            if (received.has(key)) duplicates++
            received.set(key, message.value?.toString() ?? '<null>')
            if (received.size === COUNT) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()

    expect(duplicates).toBe(0)
    expect(received.size).toBe(COUNT)
    for (const [key, value] of expected) expect(received.get(key), key).toBe(value)

    // The group committed its position: the committed offsets add up to every record.
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] })
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)
    expect(committed).toBe(COUNT)
  })
})
