import kafkajs, { type Consumer, type Kafka, type Producer } from 'kafkajs'
import type { BenchEvent } from '../payload'
import { CONSUMER_SETTINGS, type KafkaPeer, type PeerContext, type PeerFactory } from './types'

const { Kafka: KafkaClass, logLevel } = kafkajs

/** kafkajs with a producer and consumer configured like every other peer. */
export function kafkajsClient(context: PeerContext, clientId: string): Kafka {
  return new KafkaClass({ clientId, brokers: [...context.brokers], logLevel: logLevel.NOTHING })
}

export function kafkajsProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: false, allowAutoTopicCreation: false })
}

/** Runs a kafkajs consumer on `topic` with eachBatch, handing each raw value to `onValue` in order. */
export async function kafkajsSubscribe(
  kafka: Kafka,
  topic: string,
  groupId: string,
  onValue: (value: Buffer) => void | Promise<void>,
): Promise<() => Promise<void>> {
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: CONSUMER_SETTINGS.sessionTimeoutMs,
    heartbeatInterval: CONSUMER_SETTINGS.heartbeatIntervalMs,
    maxBytesPerPartition: CONSUMER_SETTINGS.maxBytesPerPartition,
    allowAutoTopicCreation: false,
  })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        if (m.value) await onValue(m.value)
      }
    },
  })
  return () => consumer.disconnect()
}

export const kafkajsJson: PeerFactory = {
  id: 'kafkajs-json',
  label: 'kafkajs (JSON)',
  note: 'the baseline: JSON.stringify / JSON.parse values, eachBatch, autocommit after each batch (kafkajs default)',
  async create(context): Promise<KafkaPeer> {
    const kafka = kafkajsClient(context, 'bench-kafkajs-json')
    const producer = kafkajsProducer(kafka)
    const stops = new Set<() => Promise<void>>()
    return {
      id: this.id,
      label: this.label,
      start: () => producer.connect(),
      async send(topic: string, events: readonly BenchEvent[]) {
        await producer.send({
          topic,
          acks: -1,
          messages: events.map((e) => ({ key: e.userId, value: JSON.stringify(e) })),
        })
      },
      async subscribe(topic, groupId, onEvent) {
        const stop = await kafkajsSubscribe(kafka, topic, groupId, (value) =>
          onEvent(JSON.parse(value.toString('utf8')) as BenchEvent),
        )
        stops.add(stop)
        return async () => {
          stops.delete(stop)
          await stop()
        }
      },
      async close() {
        await Promise.allSettled([...stops].map((s) => s()))
        await producer.disconnect()
      },
    }
  },
}
