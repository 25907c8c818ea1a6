import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { type BenchEvent, schemaText } from '../payload'
import { kafkajsClient, kafkajsProducer, kafkajsSubscribe } from './kafkajs-json'
import type { KafkaPeer, PeerFactory } from './types'

/** kafkajs + @kafkajs/confluent-schema-registry: the usual way to do Avro with kafkajs today. */
export const kafkajsCsr: PeerFactory = {
  id: 'kafkajs-csr',
  label: 'kafkajs + csr (Avro)',
  note: 'registry.encode / registry.decode per record (Confluent wire format), schema registered per topic before timing',
  async create(context): Promise<KafkaPeer> {
    const kafka = kafkajsClient(context, 'bench-kafkajs-csr')
    const producer = kafkajsProducer(kafka)
    const registry = new SchemaRegistry({ host: context.registryUrl })
    const ids = new Map<string, number>()
    const stops = new Set<() => Promise<void>>()
    // Registered once per topic (TopicNameStrategy), outside the timed loop, like an app at startup.
    const idFor = async (topic: string): Promise<number> => {
      let id = ids.get(topic)
      if (id === undefined) {
        ;({ id } = await registry.register(
          { type: SchemaType.AVRO, schema: schemaText },
          { subject: `${topic}-value` },
        ))
        ids.set(topic, id)
      }
      return id
    }
    return {
      id: this.id,
      label: this.label,
      start: () => producer.connect(),
      async send(topic: string, events: readonly BenchEvent[]) {
        const id = await idFor(topic)
        const values = await Promise.all(events.map((e) => registry.encode(id, e)))
        await producer.send({
          topic,
          acks: -1,
          messages: events.map((e, i) => ({ key: e.userId, value: values[i]! })),
        })
      },
      async subscribe(topic, groupId, onEvent) {
        const stop = await kafkajsSubscribe(kafka, topic, groupId, async (value) => {
          onEvent((await registry.decode(value)) as BenchEvent)
        })
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

export { SchemaRegistry as CsrSchemaRegistry, SchemaType as CsrSchemaType }
