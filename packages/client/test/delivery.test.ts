import { describe, expect, it } from 'vitest'
import type { EngineProducer, EngineRecordMetadata, EngineTopicMessages } from '../src/engine/types'
import { ClientError } from '../src/errors'
import { assertAcknowledged, unacknowledged, VerifiedProducer } from '../src/producer/delivery'

/**
 * The delivery check is pure logic over the engine seam, so a scripted engine producer stands in for
 * the broker here; the integration drills (integration-tests/test/fault-delivery.test.ts) run it
 * against a real cluster with a broker killed mid-send.
 */
type Script = (request: EngineTopicMessages[], call: number) => EngineRecordMetadata[] | Error

interface FakeEngine {
  readonly requests: EngineTopicMessages[][]
  created: number
  disconnected: number
  create(): EngineProducer
}

function fakeEngine(script: Script): FakeEngine {
  const log: number[] = []
  const engine: FakeEngine = {
    requests: [],
    created: 0,
    disconnected: 0,
    create() {
      engine.created++
      const offsets = new Map<string, number>()
      return {
        connect: async () => {},
        disconnect: async () => {
          engine.disconnected++
        },
        send: async (request) => {
          const copy = request.map((b) => ({ topic: b.topic, messages: [...b.messages] }))
          engine.requests.push(copy)
          log.push(engine.requests.length)
          await new Promise((r) => setTimeout(r, 1))
          const out = script(copy, engine.requests.length)
          if (out instanceof Error) throw out
          return out.map((m) => {
            const k = `${m.topic}/${m.partition}`
            const base = offsets.get(k) ?? 0
            const count = copy
              .filter((b) => b.topic === m.topic)
              .flatMap((b) => b.messages)
              .filter((x) => x.partition === m.partition).length
            offsets.set(k, base + count)
            return { ...m, baseOffset: String(base) }
          })
        },
      }
    },
  }
  return engine
}

/** Acknowledges every partition of the request except those in `drop`. */
const ackAllBut =
  (...drop: number[]) =>
  (request: EngineTopicMessages[]): EngineRecordMetadata[] => {
    const seen = new Set<string>()
    const out: EngineRecordMetadata[] = []
    for (const b of request) {
      for (const m of b.messages) {
        const k = `${b.topic}/${m.partition}`
        if (seen.has(k) || drop.includes(m.partition)) continue
        seen.add(k)
        out.push({ topic: b.topic, partition: m.partition, baseOffset: undefined })
      }
    }
    return out
  }

const batch = (topic: string, partitions: number[], tag = ''): EngineTopicMessages[] => [
  {
    topic,
    messages: partitions.map((partition, i) => ({
      key: null,
      value: Buffer.from(`${tag}${i}`),
      partition,
    })),
  },
]

const values = (request: EngineTopicMessages[]) =>
  request.flatMap((b) => b.messages.map((m) => `${b.topic}[${m.partition}]=${String(m.value)}`))

describe('VerifiedProducer', () => {
  it('re-sends, alone and unchanged, a partition the engine resolved without acknowledging', async () => {
    const engine = fakeEngine((request, call) => (call === 1 ? ackAllBut(1)(request) : ackAllBut()(request)))
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1 })
    const meta = await producer.send(batch('t', [0, 1, 2, 1]))
    expect(engine.requests).toHaveLength(2)
    expect(values(engine.requests[1] as EngineTopicMessages[])).toEqual(['t[1]=1', 't[1]=3'])
    expect(meta.map((m) => m.partition).sort()).toEqual([0, 1, 2])
    // The re-send was by the same engine producer: its sequence numbers make the broker dedupe.
    expect(engine.created).toBe(1)
  })

  it('rejects with the undelivered partitions and counts when acknowledgements never come', async () => {
    const engine = fakeEngine(ackAllBut(2))
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1, resendRounds: 2 })
    const error = await producer.send(batch('t', [0, 2, 2, 1])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClientError)
    expect((error as ClientError).code).toBe('KAFKIT_CLIENT_NOT_DELIVERED')
    expect((error as ClientError).details).toMatchObject({
      undelivered: [{ topic: 't', partition: 2, count: 2 }],
      notDelivered: 2,
      delivered: 2,
    })
    expect((error as Error).message).toContain('t[2]: 2')
    expect(engine.requests).toHaveLength(3)
    // The next send starts over with a new producer id.
    await producer.send(batch('t', [0])).catch(() => {})
    expect(engine.created).toBe(2)
    expect(engine.disconnected).toBe(1)
  })

  it('when the engine rejects, fails the open partitions only and replaces the engine producer', async () => {
    const engine = fakeEngine((request, call) =>
      call === 1 ? ackAllBut(1)(request) : new Error('broker went away'),
    )
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1 })
    const error = (await producer.send(batch('t', [0, 1, 1])).catch((e: unknown) => e)) as ClientError
    expect(error.code).toBe('KAFKIT_CLIENT_NOT_DELIVERED')
    expect(error.details.undelivered).toEqual([{ topic: 't', partition: 1, count: 2 }])
    expect(error.message).toContain('broker went away')
    expect(engine.disconnected).toBe(1)
    const ok = fakeEngine(ackAllBut())
    const fresh = new VerifiedProducer(() => ok.create(), { acks: -1 })
    await expect(fresh.send(batch('t', [0]))).resolves.toHaveLength(1)
  })

  it('merges sends made while one is in flight, in call order, with offsets per send', async () => {
    const engine = fakeEngine(ackAllBut())
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1 })
    const first = producer.send(batch('t', [0, 1], 'a'))
    const rest = [producer.send(batch('t', [0, 0], 'b')), producer.send(batch('t', [1, 0], 'c'))]
    expect(producer.queuedRecords).toBe(4)
    const results = await Promise.all([first, ...rest])
    expect(engine.requests).toHaveLength(2)
    expect(values(engine.requests[1] as EngineTopicMessages[])).toEqual([
      't[0]=b0',
      't[0]=b1',
      't[0]=c1',
      't[1]=c0',
    ])
    const offsetOf = (i: number, p: number) => results[i]?.find((m) => m.partition === p)?.baseOffset
    expect(offsetOf(0, 0)).toBe('0')
    expect(offsetOf(1, 0)).toBe('1')
    expect(offsetOf(2, 0)).toBe('3')
    expect(offsetOf(2, 1)).toBe('1')
    expect(producer.inFlightRecords).toBe(0)
  })

  it('never merges past maxRequestBytes, but never splits one send', async () => {
    const engine = fakeEngine(ackAllBut())
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1, maxRequestBytes: 4 })
    await Promise.all([
      producer.send(batch('t', [0, 0, 0, 0, 0, 0])),
      producer.send(batch('t', [0, 0])),
      producer.send(batch('t', [0, 0])),
      producer.send(batch('t', [0, 0])),
    ])
    expect(engine.requests.map((r) => r[0]?.messages.length)).toEqual([6, 4, 2])
  })

  it('with acks=0 resolves once the engine took the records (nothing can be verified)', async () => {
    const engine = fakeEngine(() => [])
    const producer = new VerifiedProducer(() => engine.create(), { acks: 0 })
    await expect(producer.send(batch('t', [0, 1]))).resolves.toHaveLength(2)
  })

  it('a send the engine refuses for a partition its topic lacks fails with that typed error; sends merged with it go on', async () => {
    // Engines refuse before sending anything (the topic here has partitions 0..3).
    const refusal = (partition: number) =>
      new ClientError('KAFKIT_CLIENT_PARTITION_INVALID', `partition ${partition} is not valid`, {
        details: { topic: 't', partition, partitionCount: 4 },
      })
    const engine = fakeEngine((request) => {
      const bad = request.flatMap((b) => b.messages).find((m) => m.partition >= 4)
      return bad ? refusal(bad.partition) : ackAllBut()(request)
    })
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1 })
    const first = producer.send(batch('t', [0], 'a'))
    const merged = [
      producer.send(batch('t', [1], 'b')),
      producer.send(batch('t', [2, 9], 'c')),
      producer.send(batch('t', [3], 'd')),
    ]
    const [a, b, c, d] = await Promise.allSettled([first, ...merged])
    expect(a?.status).toBe('fulfilled')
    expect(b?.status).toBe('fulfilled')
    expect(d?.status).toBe('fulfilled')
    expect(c).toMatchObject({
      status: 'rejected',
      reason: { code: 'KAFKIT_CLIENT_PARTITION_INVALID', details: { partition: 9 } },
    })
    // The refused send's records only went out in requests the engine refused (they hold partition
    // 9); the sends merged with it went out again without them, on the same engine producer.
    for (const r of engine.requests.map(values)) {
      if (r.some((v) => v.includes('=c'))) expect(r).toContain('t[9]=c1')
    }
    const sentWithout = engine.requests.map(values).filter((r) => !r.some((v) => v.includes('=c')))
    expect(sentWithout.flat()).toEqual(expect.arrayContaining(['t[0]=a0', 't[1]=b0', 't[3]=d0']))
    expect(engine.disconnected).toBe(0)
  })

  it('disconnect waits for accepted sends to settle', async () => {
    const engine = fakeEngine(ackAllBut())
    const producer = new VerifiedProducer(() => engine.create(), { acks: -1 })
    const sent = producer.send(batch('t', [0]))
    await producer.disconnect()
    await expect(sent).resolves.toHaveLength(1)
    expect(engine.disconnected).toBe(1)
  })
})

describe('unacknowledged / assertAcknowledged', () => {
  it('counts the records of every partition without an acknowledgement', () => {
    const sent = [...batch('a', [0, 1, 1]), ...batch('b', [1])]
    expect(unacknowledged(sent, [{ topic: 'a', partition: 1, baseOffset: '0' }])).toEqual([
      { topic: 'a', partition: 0, count: 1 },
      { topic: 'b', partition: 1, count: 1 },
    ])
    expect(() => assertAcknowledged(sent, [])).toThrow(/4 of 4 record\(s\) not delivered/)
    expect(() =>
      assertAcknowledged(sent, [
        { topic: 'a', partition: 0, baseOffset: '0' },
        { topic: 'a', partition: 1, baseOffset: '0' },
        { topic: 'b', partition: 1, baseOffset: '0' },
      ]),
    ).not.toThrow()
  })
})
