import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createDecodeStep } from '../src/consumer/decode-step'
import type { EngineRecord } from '../src/engine/types'
import { encodeAvro } from '../src/serdes/avro'
import { avroSerde, makeTopics, nullKey, topic } from './fixtures/descriptors'
import { MemoryRegistry } from './fixtures/memory-registry'

const record = (over: Partial<EngineRecord>): EngineRecord => ({
  topic: 't',
  partition: 0,
  offset: '5',
  timestamp: '1700000000000',
  key: null,
  value: null,
  headers: {},
  ...over,
})

describe('decode step (pure pipeline logic)', () => {
  it('decodes keys and values, and never throws for bad records', async () => {
    const t = makeTopics('d')
    const registry = new MemoryRegistry()
    const { id } = await registry.register('x', { schema: JSON.stringify(t.orders.value.schema) })
    const step = createDecodeStep([t.orders], { registry })
    const ok = await step(
      record({
        topic: t.orders.name,
        key: Buffer.from('k'),
        value: encodeAvro(t.orders.value.type, id, { id: 'o', amount: 1, customerId: 'c', note: null }),
      }),
    )
    expect(ok).toMatchObject({
      ok: true,
      message: { key: 'k', value: { id: 'o' }, valueSchemaId: id, keySchemaId: undefined },
    })
    const tombstone = await step(record({ topic: t.orders.name, key: Buffer.from('k'), value: null }))
    expect(tombstone).toMatchObject({
      ok: false,
      invalid: { stage: 'value', error: { details: { reason: 'null-value' } } },
    })
    const nullKeyOnString = await step(record({ topic: t.orders.name, key: null, value: Buffer.from([0]) }))
    expect(nullKeyOnString).toMatchObject({ ok: false, invalid: { stage: 'key' } })
    const unknownTopic = await step(record({ topic: 'other' }))
    expect(unknownTopic).toMatchObject({
      ok: false,
      invalid: { error: { code: 'KAFKIT_CLIENT_UNKNOWN_TOPIC' } },
    })
  })

  it('with validate, a decodable value that breaks the validator is invalid at the validate stage', async () => {
    // The validator is stricter than the Avro schema (positive amounts only).
    const strict = avroSerde(
      { type: 'record', name: 'Amount', fields: [{ name: 'amount', type: 'double' }] },
      z.object({ amount: z.number().positive() }),
    )
    const tp = topic('amounts', nullKey, strict)
    const registry = new MemoryRegistry()
    const { id } = await registry.register('amounts-value', { schema: JSON.stringify(strict.schema) })
    const step = createDecodeStep([tp], { registry, validate: true })
    const bad = await step(
      record({
        topic: 'amounts',
        key: Buffer.from('ignored'),
        value: encodeAvro(strict.type, id, { amount: -1 }),
      }),
    )
    expect(bad).toMatchObject({
      ok: false,
      invalid: {
        stage: 'validate',
        error: { code: 'KAFKIT_CLIENT_VALIDATION_FAILED', details: { issues: [{ path: 'amount' }] } },
      },
    })
    const good = await step(record({ topic: 'amounts', value: encodeAvro(strict.type, id, { amount: 2 }) }))
    expect(good).toMatchObject({ ok: true, message: { key: null, value: { amount: 2 } } })
  })
})
