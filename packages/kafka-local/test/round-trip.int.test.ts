import { describe, expect, inject, it } from 'vitest'
import { roundTrip } from '../src/index'

describe('roundTrip (what the placeholder demo runs)', () => {
  it('produces records and consumes exactly them back in a group', async () => {
    const result = await roundTrip(inject('kafkaBrokers'), { count: 7 })
    expect(result.sent).toHaveLength(7)
    expect(result.received.map(({ key, value }) => ({ key, value }))).toEqual(result.sent)
  })
})
