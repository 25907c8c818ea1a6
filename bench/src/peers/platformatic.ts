import {
  Consumer,
  Producer,
  type Serializer,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka'
import type { BenchEvent } from '../payload'
import { CONSUMER_SETTINGS, type KafkaPeer, type PeerFactory } from './types'

const jsonSerializer: Serializer<BenchEvent> = (value) =>
  value === undefined ? undefined : Buffer.from(JSON.stringify(value))
const jsonDeserializer = (data: Buffer | undefined): BenchEvent =>
  JSON.parse((data ?? Buffer.alloc(0)).toString('utf8')) as BenchEvent

// The boolean overload of close() is typed as callback style; wrap it (force: leave the group now).
function closeConsumer(consumer: Consumer<string, BenchEvent, string, string>): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()))
}

/** Raw @platformatic/kafka (pure JS client) with JSON values, set up like the other peers. */
export const platformaticJson: PeerFactory = {
  id: 'platformatic-json',
  label: '@platformatic/kafka (JSON)',
  note:
    'pure JS client (2.x), JSON values, consumer stream with autocommit after every fetch (the policy the kafkajs peers use); ' +
    '1.35.0 stalled for seconds with that setting (a commit per fetch, unbounded in flight), 2.x keeps one commit in flight',
  async create(context): Promise<KafkaPeer> {
    const producer = new Producer<string, BenchEvent, string, string>({
      clientId: 'bench-platformatic',
      bootstrapBrokers: [...context.brokers],
      serializers: { key: stringSerializer, value: jsonSerializer },
      acks: -1,
      idempotent: false,
      autocreateTopics: false,
    })
    const consumers = new Set<Consumer<string, BenchEvent, string, string>>()
    return {
      id: this.id,
      label: this.label,
      start: async () => {
        await producer.metadata({ topics: [] })
      },
      async send(topic: string, events: readonly BenchEvent[]) {
        await producer.send({ messages: events.map((e) => ({ topic, key: e.userId, value: e })) })
      },
      async subscribe(topic, groupId, onEvent) {
        const consumer = new Consumer<string, BenchEvent, string, string>({
          clientId: 'bench-platformatic',
          groupId,
          bootstrapBrokers: [...context.brokers],
          deserializers: { key: stringDeserializer, value: jsonDeserializer },
          sessionTimeout: CONSUMER_SETTINGS.sessionTimeoutMs,
          heartbeatInterval: CONSUMER_SETTINGS.heartbeatIntervalMs,
          maxBytesPerPartition: CONSUMER_SETTINGS.maxBytesPerPartition,
        })
        consumers.add(consumer)
        const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true })
        stream.on('data', (message) => onEvent(message.value))
        stream.on('error', () => {})
        return async () => {
          consumers.delete(consumer)
          await stream.close().catch(() => {})
          await closeConsumer(consumer)
        }
      },
      async close() {
        await Promise.allSettled([...consumers].map(closeConsumer))
        await producer.close()
      },
    }
  },
}
