import {
  createConsumer,
  createDeadLetterSender,
  createProducer,
  DLT_HEADERS,
  deadLetterTopicName,
} from '@kafkit/client'
import { createKafkajsEngine } from '@kafkit/client/engine'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { makeTopics } from '../../packages/client/test/fixtures/descriptors'
import {
  produceRaw,
  startTestRegistry,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'
import { createTopic, deleteTopics, readRaw, suffix, waitFor } from '../fault/kafka-tools'

/** The plain consumer's `onInvalid: 'dead-letter'` policy, plugged into `<topic>-dlt` by createDeadLetterSender. */
describe('plain consumer dead-letters poison pills to <topic>-dlt', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const t = makeTopics(s)
  let registry: TestRegistry

  beforeAll(async () => {
    registry = await startTestRegistry()
    await createTopic(brokers, t.orders.name, 2)
    const producer = createProducer({ brokers, registry: registry.client })
    await producer.send(t.orders, { key: 'good-1', value: { id: 'good-1', amount: 1, customerId: 'c' } })
    await producer.disconnect()
    await produceRaw(brokers, t.orders.name, [
      { key: Buffer.from('json'), value: Buffer.from('{"id":1}'), partition: 1 },
    ])
  })
  afterAll(async () => {
    await deleteTopics(brokers, [t.orders.name, deadLetterTopicName(t.orders.name)])
    await registry?.close()
  })

  it('the good record is delivered, the poison pill lands in the DLT with its bytes and headers', async () => {
    const groupId = `g-plain-${s}`
    const deadLetter = createDeadLetterSender({ kafka: createKafkajsEngine({ brokers }), groupId })
    let sent = 0
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId,
      topics: [t.orders],
      fromBeginning: true,
      onInvalid: 'dead-letter',
      deadLetterSink: async (r) => {
        await deadLetter(r)
        sent++
      },
    })
    const keys: string[] = []
    await consumer.run({
      eachMessage: (m) => {
        keys.push(m.key)
      },
    })
    await waitFor(
      () => sent === 1 && keys.length === 1,
      60_000,
      () => `dead letters ${sent}, delivered ${keys}`,
    )
    await consumer.stop()
    expect(keys).toEqual(['good-1'])
    const [dead] = await readRaw(brokers, deadLetterTopicName(t.orders.name), 1)
    await deadLetter.close()
    expect(dead?.key?.toString()).toBe('json')
    expect(dead?.value?.toString()).toBe('{"id":1}')
    expect(dead?.partition).toBe(1)
    expect(dead?.headers[DLT_HEADERS.originalTopic]).toBe(t.orders.name)
    expect(dead?.headers[DLT_HEADERS.originalPartition]).toBe('1')
    const source = await readRaw(brokers, t.orders.name, 2)
    const poison = source.find((r) => r.key?.toString() === 'json')
    expect(dead?.headers[DLT_HEADERS.originalOffset]).toBe(poison?.offset)
    expect(dead?.headers[DLT_HEADERS.group]).toBe(groupId)
    expect(dead?.headers[DLT_HEADERS.stage]).toBe('value')
    expect(dead?.headers[DLT_HEADERS.errorCode]).toBe('KAFKIT_CLIENT_DECODE_FAILED')
    expect(dead?.headers[DLT_HEADERS.errorMessage]).toMatch(/magic byte/)
  })
})
