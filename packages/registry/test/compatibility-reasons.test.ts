import { describe, expect, it } from 'vitest'
import {
  checkCompatibility,
  confluentTrailer,
  parseAvroSchema,
  parseCompatibilityMessages,
} from '../src/index'

const v1 = {
  type: 'record',
  name: 'Order',
  namespace: 'com.example',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
  ],
}
const v2 = {
  ...v1,
  fields: [
    { name: 'id', type: 'long' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'coupon', type: 'string' },
  ],
}
const parse = (s: object) => parseAvroSchema(JSON.stringify(s))

describe('refusal reasons from Confluent verbose messages', () => {
  const old = parse(v1)
  const result = checkCompatibility(parse(v2), [old], 'BACKWARD')
  const messages = [...result.messages, ...confluentTrailer(3, old, 'BACKWARD')]

  it('turns each issue into { type, path, message, hint } and drops the old schema and settings', () => {
    const parsed = parseCompatibilityMessages(messages)
    expect(parsed.version).toBe(3)
    expect(parsed.level).toBe('BACKWARD')
    expect(parsed.reasons.map((r) => [r.type, r.path])).toEqual([
      ['TYPE_MISMATCH', '/fields/0/type'],
      ['READER_FIELD_MISSING_DEFAULT_VALUE', '/fields/2'],
    ])
    const missing = parsed.reasons[1]!
    expect(missing.message).toContain("'coupon'")
    expect(missing.hint).toContain("give the new field 'coupon' a default")
    expect(JSON.stringify(parsed)).not.toContain('oldSchema')
    expect(JSON.stringify(parsed)).not.toContain('validateFields')
  })

  it('reads the same list out of a 409 message, and keeps free text as OTHER', () => {
    const conflict = `Schema being registered is incompatible with an earlier schema for subject "s", details: [${messages.join(', ')}]`
    const parsed = parseCompatibilityMessages([conflict, 'the registry is read-only'])
    expect(parsed.reasons.map((r) => r.type)).toEqual([
      'TYPE_MISMATCH',
      'READER_FIELD_MISSING_DEFAULT_VALUE',
      'OTHER',
    ])
    expect(parsed.version).toBe(3)
    expect(parsed.level).toBe('BACKWARD')
  })

  it('FORWARD: a removed field without a default is a hint about old readers', () => {
    const removed = { ...v1, fields: [v1.fields[1]] }
    const r = checkCompatibility(parse(removed), [old], 'FORWARD')
    const [reason] = parseCompatibilityMessages(r.messages).reasons
    expect(reason?.type).toBe('READER_FIELD_MISSING_DEFAULT_VALUE')
    expect(reason?.hint).toContain("do not remove field 'id'")
  })
})
