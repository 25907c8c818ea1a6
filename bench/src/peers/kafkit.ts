import { createConsumer, createProducer } from '@kafkit/client'
import type { KafkitBenchTypes } from '../kafkit-types'
import type { BenchEvent } from '../payload'
import { CONSUMER_SETTINGS, type KafkaPeer, type PeerFactory } from './types'

/**
 * Kafkit's typed producer and consumer on the generated descriptor: zod validation on send (the
 * default), Confluent Avro through the registry, Java-compatible partitioning.
 */
export function kafkitPeer(types: KafkitBenchTypes): PeerFactory {
  return {
    id: 'kafkit',
    label: 'Kafkit typed Avro',
    async create(context): Promise<KafkaPeer> {
      const producer = createProducer({
        brokers: [...context.brokers],
        registry: context.registryUrl,
        clientId: 'bench-kafkit',
        // Same settings as the other peers (Kafkit's own default is idempotent).
        idempotent: false,
        acks: 'all',
      })
      const topics = new Map<string, ReturnType<KafkitBenchTypes['forTopic']>>()
      const descriptor = (name: string) => {
        let d = topics.get(name)
        if (d === undefined) {
          d = types.forTopic(name)
          topics.set(name, d)
        }
        return d
      }
      const stops = new Set<() => Promise<void>>()
      return {
        id: 'kafkit',
        label: 'Kafkit typed Avro',
        start: () => producer.connect(),
        async send(topic: string, events: readonly BenchEvent[]) {
          await producer.sendBatch(
            descriptor(topic),
            events.map((e) => ({ key: e.userId, value: e })),
          )
        },
        async subscribe(topic, groupId, onEvent) {
          const consumer = createConsumer({
            brokers: [...context.brokers],
            registry: context.registryUrl,
            clientId: 'bench-kafkit',
            groupId,
            topics: [descriptor(topic)],
            fromBeginning: true,
            ...CONSUMER_SETTINGS,
          })
          await consumer.run({
            eachBatch: (batch) => {
              for (const m of batch.messages) onEvent(m.value as BenchEvent)
            },
          })
          const stop = () => consumer.stop()
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
}
