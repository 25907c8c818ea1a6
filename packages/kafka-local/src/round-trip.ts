import { randomUUID } from 'node:crypto'
import { fixKafkajsRequestQueue } from '@kafkit/common'
import kafkajs from 'kafkajs'
// kafkajs 2.2.4 ships no types for its internals.
// @ts-expect-error untyped CommonJS module inside kafkajs (version pinned in package.json)
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js'

const { Kafka, logLevel } = kafkajs
// No TimeoutNegativeWarning from kafkajs' idle request queue on Node 24+.
fixKafkajsRequestQueue(RequestQueue)

export interface RoundTripOptions {
  readonly count?: number
  readonly onProgress?: (message: string) => void
}

export interface RoundTripResult {
  readonly topic: string
  readonly groupId: string
  readonly sent: ReadonlyArray<{ readonly key: string; readonly value: string }>
  readonly received: ReadonlyArray<{
    readonly key: string
    readonly value: string
    readonly partition: number
  }>
}

/**
 * The smallest real round trip: creates a fresh topic, produces `count` records, consumes them back in a
 * consumer group, deletes the topic. Used by `kafkit demo` to show a broker works end to end.
 */
export async function roundTrip(
  brokers: readonly string[],
  options: RoundTripOptions = {},
): Promise<RoundTripResult> {
  const count = options.count ?? 5
  const say = options.onProgress ?? (() => {})
  const suffix = randomUUID().slice(0, 8)
  const topic = `kafkit-demo-${suffix}`
  const groupId = `kafkit-demo-group-${suffix}`
  const kafka = new Kafka({ clientId: 'kafkit-demo', brokers: [...brokers], logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })
    say(`created topic ${topic}`)
    const sent = Array.from({ length: count }, (_, i) => ({ key: `key-${i}`, value: `hello kafka #${i}` }))
    const producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    await producer.send({ topic, messages: sent })
    await producer.disconnect()
    say(`produced ${count} records`)
    const consumer = kafka.consumer({ groupId })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const received: Array<{ key: string; value: string; partition: number }> = []
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            received.push({
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              partition,
            })
            if (received.length >= count) resolve()
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    say(`consumed ${received.length} records in group ${groupId}`)
    await admin.deleteTopics({ topics: [topic] }).catch(() => {})
    return { topic, groupId, sent, received }
  } finally {
    await admin.disconnect()
  }
}
