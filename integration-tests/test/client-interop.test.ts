import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createConsumer, createProducer, partitionForKey } from '@kafkit/client'
import { encodeAvro } from '@kafkit/client/serdes'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { z } from 'zod'
import { avroSerde, stringKey, topic } from '../../packages/client/test/fixtures/descriptors'
import {
  collect,
  createTopics,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'
import { confluentPython } from '../fixtures/python'

const run = promisify(execFile)
const script = fileURLToPath(new URL('../python/confluent_interop.py', import.meta.url))

const schema = {
  type: 'record',
  name: 'Reading',
  namespace: 'com.example.interop',
  fields: [
    { name: 'sensor', type: 'string' },
    { name: 'celsius', type: 'double' },
    { name: 'seq', type: 'long' },
    { name: 'raw', type: 'bytes' },
    { name: 'label', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['INDOOR', 'OUTDOOR'] } },
  ],
}
const reading = avroSerde(
  schema,
  z.object({
    sensor: z.string(),
    celsius: z.number(),
    seq: z.number().int(),
    raw: z.instanceof(Buffer),
    label: z.string().nullable().default(null),
    kind: z.enum(['INDOOR', 'OUTDOOR']),
  }),
)

describe("interop with Confluent's Python client (AvroSerializer / AvroDeserializer)", () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const fromPython = topic(`interop-py-${s}`, stringKey, reading)
  const fromKafkit = topic(`interop-ts-${s}`, stringKey, reading)
  let registry: TestRegistry
  let drop: () => Promise<void>
  let python: { python: string } | { reason: string }

  beforeAll(async () => {
    python = await confluentPython()
    registry = await startTestRegistry()
    drop = await createTopics(brokers, [
      { topic: fromPython, partitions: 6 },
      { topic: fromKafkit, partitions: 1 },
    ])
  }, 600_000)
  afterAll(async () => {
    await drop?.()
    await registry?.close()
  })

  /** Skips (or, in CI, fails) when the Python client could not be installed. */
  const needPython = (ctx: { skip: (note?: string) => void }) => {
    if ('python' in python) return
    if (process.env.CI) throw new Error(`CI runs every test, but ${python.reason}`)
    console.log(`[python interop] skipping: ${python.reason}`)
    ctx.skip(python.reason)
  }

  const py = async (args: string[]) => {
    if (!('python' in python)) throw new Error(python.reason)
    const { stdout } = await run(python.python, [script, ...args], { timeout: 120_000 })
    return JSON.parse(stdout.trim()) as Record<string, unknown>
  }

  it('our consumer reads a record written by AvroSerializer against our registry', async (ctx) => {
    needPython(ctx)
    const value = {
      sensor: 's-1',
      celsius: 21.5,
      seq: 2 ** 40,
      raw: Buffer.from('RAW').toString('base64'),
      label: 'lab',
      kind: 'OUTDOOR',
    }
    const written = await py([
      'produce',
      '--brokers',
      brokers.join(','),
      '--registry',
      registry.url,
      '--topic',
      fromPython.name,
      '--schema',
      JSON.stringify(schema),
      '--key',
      'sensor-key-1',
      '--value',
      JSON.stringify(value),
      '--base64-fields',
      'raw',
    ])
    expect(written).not.toHaveProperty('error')
    const consumer = createConsumer({
      brokers,
      registry: registry.client,
      groupId: `g-${s}-py`,
      topics: [fromPython],
      fromBeginning: true,
    })
    const [m] = await collect(consumer, 1)
    expect(m!.key).toBe('sensor-key-1')
    expect(m!.value).toEqual({
      sensor: 's-1',
      celsius: 21.5,
      seq: 2 ** 40,
      raw: Buffer.from('RAW'),
      label: 'lab',
      kind: 'OUTDOOR',
    })
    // Registered by Python under TopicNameStrategy in our registry.
    const latest = await registry.client.getVersion(`${fromPython.name}-value`, 'latest')
    expect(m!.valueSchemaId).toBe(latest.id)
    // librdkafka's murmur2_random partitioner and ours agree on the partition for the key.
    expect(m!.partition).toBe(written.partition)
    expect(m!.partition).toBe(partitionForKey(Buffer.from('sensor-key-1'), 6))
  })

  it('AvroDeserializer reads a record our producer wrote', async (ctx) => {
    needPython(ctx)
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      await producer.send(fromKafkit, {
        key: 'ts-key',
        value: {
          sensor: 's-2',
          celsius: -4.25,
          seq: 123456789012,
          raw: Buffer.from([0, 1, 2, 255]),
          kind: 'INDOOR',
        },
      })
    } finally {
      await producer.disconnect()
    }
    const read = await py([
      'consume',
      '--brokers',
      brokers.join(','),
      '--registry',
      registry.url,
      '--topic',
      fromKafkit.name,
      '--group',
      `g-${s}-pyc`,
    ])
    expect(read).toEqual({
      key: 'ts-key',
      value: {
        sensor: 's-2',
        celsius: -4.25,
        seq: 123456789012,
        raw: Buffer.from([0, 1, 2, 255]).toString('base64'),
        label: null,
        kind: 'INDOOR',
      },
      partition: 0,
      offset: 0,
    })
  })

  it("our bytes are identical to AvroSerializer's for the same value and schema", async (ctx) => {
    needPython(ctx)
    const same = topic(`interop-bytes-${s}`, stringKey, reading)
    const value = {
      sensor: 'é-ü 日本',
      celsius: 1e-7,
      seq: -(2 ** 50),
      raw: Buffer.from([0, 128, 255]),
      label: null,
      kind: 'INDOOR' as const,
    }
    const theirs = await py([
      'encode',
      '--brokers',
      brokers.join(','),
      '--registry',
      registry.url,
      '--topic',
      same.name,
      '--schema',
      JSON.stringify(schema),
      '--value',
      JSON.stringify({ ...value, raw: value.raw.toString('base64') }),
      '--base64-fields',
      'raw',
    ])
    const producer = createProducer({ brokers, registry: registry.client })
    try {
      // Our guard finds the schema Python registered: same subject, same id.
      const { value: writer } = await producer.checkSchemas(same)
      const ours = encodeAvro(reading.type, writer!.schemaId, value)
      expect(ours.toString('hex')).toBe(theirs.hex)
    } finally {
      await producer.disconnect()
    }
  })
})
