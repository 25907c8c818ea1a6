import { describe, expect, it } from 'vitest'
import { isKafkitError, KafkitError, subjectName } from '../src/index'

describe('public functions throw typed errors, never a plain Error', () => {
  it('subjectName: a record strategy over an unnamed type names the fix', () => {
    expect(subjectName('record', 'orders', 'value', 'com.acme.Order')).toBe('com.acme.Order')
    let caught: unknown
    try {
      subjectName('topic-record', 'orders', 'key', undefined)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(KafkitError)
    expect(isKafkitError(caught, 'KAFKIT_SUBJECT_NEEDS_NAMED_TYPE')).toBe(true)
    expect((caught as KafkitError).message).toMatch(/topic 'orders' key.*use the 'topic' strategy/)
    expect((caught as KafkitError).details).toMatchObject({ strategy: 'topic-record', side: 'key' })
  })
})
