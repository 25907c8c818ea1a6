import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SchemaRegistry as KafkajsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { partitionForKey } from '@kafkit/client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import {
  createTopics,
  produceRaw,
  startTestRegistry,
  suffix,
  type TestRegistry,
} from '../../packages/client/test/fixtures/integration'

const bin = fileURLToPath(new URL('../../packages/cli/bin/kafkit.js', import.meta.url))

function kafkit(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

const valueSchema = {
  type: 'record',
  name: 'Event',
  namespace: 'com.example.console',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
    { name: 'count', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'blob', type: 'bytes' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
  ],
}

describe('kafkit produce / kafkit consume (the real binary)', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const topic = `console-${s}`
  let registry: TestRegistry
  let drop: () => Promise<void>
  let dir: string
  let schemaFile: string

  beforeAll(async () => {
    registry = await startTestRegistry()
    drop = await createTopics(brokers, [{ topic, partitions: 3 }])
    dir = await mkdtemp(join(tmpdir(), 'kafkit-console-'))
    schemaFile = join(dir, 'event.avsc')
    await writeFile(schemaFile, JSON.stringify(valueSchema))
  })
  afterAll(async () => {
    await drop?.()
    await registry?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const good = [
    {
      key: 'k-1',
      value: {
        id: 'a',
        amount: 1.5,
        count: 2 ** 60,
        note: 'hi',
        blob: 'AQID',
        at: '2024-05-01T10:00:00.123Z',
        day: '2024-05-01',
      },
    },
    {
      key: 'k-2',
      value: {
        id: 'b',
        amount: 2,
        count: '9223372036854775807',
        note: null,
        blob: '',
        at: '1970-01-01T00:00:00.000Z',
        day: '1970-01-01',
      },
    },
    { key: 'k-3', value: { id: 'c', amount: -3, count: 7, blob: '/w==', at: 0, day: 0 } },
  ]

  it('produces JSON lines, reporting bad lines by number, and consumes them back as JSON', async () => {
    const input = [
      JSON.stringify(good[0]),
      '{not json',
      JSON.stringify(good[1]),
      JSON.stringify({ key: 'k-x', value: { ...good[0]!.value, amount: 'lots' } }),
      '',
      JSON.stringify(good[2]),
    ].join('\n')
    const produced = await kafkit(
      [
        'produce',
        topic,
        '--value-schema',
        schemaFile,
        '--brokers',
        brokers.join(','),
        '--registry',
        registry.url,
      ],
      input,
    )
    expect(produced.stderr).toMatch(/line 2: not JSON/)
    expect(produced.stderr).toMatch(/line 4: value\.amount: expected a number, got "lots"/)
    expect(produced.stderr).toMatch(/sent 3 record\(s\) to console-.*2 bad line\(s\)/)
    expect(produced.code).toBe(1)

    const { id } = await registry.client.getVersion(`${topic}-value`, 'latest')
    const consumed = await kafkit([
      'consume',
      topic,
      '--from-beginning',
      '--max',
      '3',
      '--timeout-ms',
      '60000',
      '--brokers',
      brokers.join(','),
      '--registry',
      registry.url,
    ])
    expect(consumed.code).toBe(0)
    const lines = consumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(3)
    const byKey = new Map(lines.map((l) => [l.key, l]))
    const expected = {
      'k-1': { ...good[0]!.value, count: '1152921504606846976' },
      'k-2': good[1]!.value,
      'k-3': { ...good[2]!.value, note: null, at: '1970-01-01T00:00:00.000Z', day: '1970-01-01' },
    }
    for (const [key, value] of Object.entries(expected)) {
      const line = byKey.get(key)
      expect(line).toMatchObject({ topic, key, value, schemaId: id })
      // The producer's partitioner is Java's murmur2 over the UTF-8 key.
      expect(line.partition).toBe(partitionForKey(Buffer.from(key), 3))
      expect(line.offset).toMatch(/^\d+$/)
      expect(line.timestamp).toMatch(/^\d+$/)
    }
    expect(byKey.get('k-1').value.count).toBe('1152921504606846976') // beyond 2^53: a string
    expect(consumed.stderr).toMatch(/consumed 3 record\(s\)/)
  })

  it('decodes Avro written by another Confluent-compatible serializer, and stops on --timeout-ms', async () => {
    const other = `console-other-${s}`
    const dropOther = await createTopics(brokers, [{ topic: other, partitions: 1 }])
    try {
      const theirs = new KafkajsRegistry({ host: registry.url })
      const { id } = await theirs.register(
        {
          type: SchemaType.AVRO,
          schema: JSON.stringify({
            type: 'record',
            name: 'Ping',
            fields: [
              { name: 'n', type: 'int' },
              { name: 'tag', type: ['null', 'string'] },
            ],
          }),
        },
        { subject: `${other}-value` },
      )
      const value = await theirs.encode(id, { n: 42, tag: 'x' })
      await produceRaw(brokers, other, [{ key: Buffer.from('p'), value }])
      const consumed = await kafkit([
        'consume',
        other,
        '--from-beginning',
        '--timeout-ms',
        '8000',
        '--brokers',
        brokers.join(','),
        '--registry',
        registry.url,
      ])
      expect(consumed.code).toBe(0)
      const lines = consumed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines).toEqual([
        expect.objectContaining({
          topic: other,
          partition: 0,
          offset: '0',
          key: 'p',
          value: { n: 42, tag: 'x' },
          schemaId: id,
        }),
      ])
    } finally {
      await dropOther()
    }
  })

  it("--headers prints each record's headers (text, or base64 when not UTF-8)", async () => {
    const withHeaders = `console-headers-${s}`
    const drop = await createTopics(brokers, [{ topic: withHeaders, partitions: 1 }])
    try {
      await produceRaw(brokers, withHeaders, [
        {
          key: Buffer.from('k'),
          value: Buffer.from('v'),
          headers: { 'kafkit-dlt-error': Buffer.from('customer is blocked'), raw: Buffer.from([0xff, 0xfe]) },
        },
      ])
      const args = ['consume', withHeaders, '--from-beginning', '--max', '1', '--brokers', brokers.join(',')]
      const plain = await kafkit(args)
      expect(plain.code).toBe(0)
      expect(JSON.parse(plain.stdout.trim())).not.toHaveProperty('headers')
      const shown = await kafkit([...args, '--headers'])
      expect(shown.code, shown.stderr).toBe(0)
      expect(JSON.parse(shown.stdout.trim())).toMatchObject({
        key: 'k',
        value: 'v',
        headers: {
          'kafkit-dlt-error': 'customer is blocked',
          raw: Buffer.from([0xff, 0xfe]).toString('base64'),
        },
      })
    } finally {
      await drop()
    }
  })

  it('fails clearly without a registry for a schema', async () => {
    const r = await kafkit(
      ['produce', topic, '--value-schema', schemaFile, '--brokers', brokers.join(',')],
      '',
    )
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/needs a registry: pass --registry or set KAFKIT_REGISTRY_URL/)
  })

  it('takes an Avro key with --key-schema, and hashes its framed bytes for the partition', async () => {
    const keyed = `console-keyed-${s}`
    const dropKeyed = await createTopics(brokers, [{ topic: keyed, partitions: 4 }])
    try {
      const keyFile = join(dir, 'key.avsc')
      await writeFile(
        keyFile,
        JSON.stringify({
          type: 'record',
          name: 'EventKey',
          namespace: 'com.example.console',
          fields: [
            { name: 'tenant', type: 'string' },
            { name: 'n', type: 'int' },
          ],
        }),
      )
      const line = { key: { tenant: 't-1', n: 7 }, value: good[0]!.value }
      const produced = await kafkit(
        [
          'produce',
          keyed,
          '--key-schema',
          keyFile,
          '--value-schema',
          schemaFile,
          '--brokers',
          brokers.join(','),
          '--registry',
          registry.url,
        ],
        `${JSON.stringify(line)}\n${JSON.stringify({ key: { tenant: 5 }, value: good[0]!.value })}\n`,
      )
      expect(produced.stderr).toMatch(/line 2: key\.tenant: expected a string, got 5/)
      expect(produced.code).toBe(1)
      const consumed = await kafkit([
        'consume',
        keyed,
        '--from-beginning',
        '--max',
        '1',
        '--timeout-ms',
        '60000',
        '--brokers',
        brokers.join(','),
        '--registry',
        registry.url,
      ])
      const [record] = consumed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(record.key).toEqual({ tenant: 't-1', n: 7 })
      expect(await registry.client.listSubjects()).toEqual(
        expect.arrayContaining([`${keyed}-key`, `${keyed}-value`]),
      )
      // Avro keys are partitioned on their Confluent-framed bytes, as the Java client does.
      const keyId = (await registry.client.getVersion(`${keyed}-key`, 'latest')).id
      const header = Buffer.alloc(5)
      header.writeInt32BE(keyId, 1)
      // Avro binary of { tenant: 't-1', n: 7 }: zigzag length 3 (6), the UTF-8 bytes, zigzag 7 (14).
      const framed = Buffer.concat([header, Buffer.from([6]), Buffer.from('t-1'), Buffer.from([14])])
      expect(record.partition).toBe(partitionForKey(framed, 4))
    } finally {
      await dropKeyed()
    }
  })
  it('exits 1 and says how many records were not delivered, where, and why, when the broker refuses them', async () => {
    const small = `small-${s}`
    // The broker refuses any batch over 1 KB on this topic: partition 1 gets one, partition 0 does not.
    const dropSmall = await createTopics(brokers, [
      { topic: small, partitions: 2, configs: { 'max.message.bytes': '1024' } },
    ])
    try {
      const lines = [
        JSON.stringify({ key: 'a', value: 'fits', partition: 0 }),
        JSON.stringify({ key: 'b', value: 'x'.repeat(4096), partition: 1 }),
        JSON.stringify({ key: 'c', value: 'fits too', partition: 1 }),
        JSON.stringify({ key: 'd', value: 'fits as well', partition: 0 }),
      ].join('\n')
      const r = await kafkit(['produce', small, '--brokers', brokers.join(',')], lines)
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(
        new RegExp(`sent 2 record\\(s\\) to ${small}, 0 bad line\\(s\\), 2 record\\(s\\) NOT delivered`),
      )
      expect(r.stderr).toMatch(
        new RegExp(`not delivered: 2 of 4 record\\(s\\) not delivered \\(${small}\\[1\\]: 2\\)`),
      )
      expect(r.stderr).toMatch(/too large|MESSAGE_TOO_LARGE|larger than/i)
      // The log agrees: partition 0 has both of its records, partition 1 none.
      const read = await kafkit([
        'consume',
        small,
        '--from-beginning',
        '--timeout-ms',
        '3000',
        '--brokers',
        brokers.join(','),
      ])
      const values = read.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { partition: number; value: string })
      expect(values.map((v) => [v.partition, v.value])).toEqual([
        [0, 'fits'],
        [0, 'fits as well'],
      ])
    } finally {
      await dropSmall()
    }
  })
})
