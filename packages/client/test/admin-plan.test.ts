import { describe, expect, it } from 'vitest'
import { planTopics } from '../src/admin/plan'

const state = (
  topics: Record<string, { partitions: number; rf?: number; configs?: Record<string, string> }>,
) => ({
  topics: new Map(
    Object.entries(topics).map(([name, t]) => [
      name,
      {
        name,
        partitions: Array.from({ length: t.partitions }, (_, partition) => ({
          partition,
          replicas: Array.from({ length: t.rf ?? 1 }, (_, i) => i),
        })),
      },
    ]),
  ),
  configs: new Map(
    Object.entries(topics).map(([name, t]) => [
      name,
      Object.entries(t.configs ?? {}).map(([k, v]) => ({ name: k, value: v, isDefault: false })),
    ]),
  ),
})

describe('planTopics', () => {
  it('creates what is missing with the declared configs', () => {
    const plan = planTopics(
      [{ topic: 'a', partitions: 3, retentionMs: -1, cleanupPolicy: 'compact' }],
      state({}),
    )
    expect(plan.actions).toEqual([
      {
        type: 'create',
        topic: 'a',
        partitions: 3,
        replicationFactor: undefined,
        configs: { 'retention.ms': '-1', 'cleanup.policy': 'compact' },
      },
    ])
  })

  it('only compares declared configs, and never lowers partitions', () => {
    const plan = planTopics(
      [{ topic: 'a', partitions: 2, retentionBytes: 10 }],
      state({ a: { partitions: 5, configs: { 'retention.bytes': '10', 'segment.ms': '1' } } }),
    )
    expect(plan.actions).toEqual([])
    expect(plan.drift).toEqual([expect.objectContaining({ setting: 'partitions', declared: 2, actual: 5 })])
  })

  it('raises partitions with a warning and reports replication drift', () => {
    const plan = planTopics(
      [{ topic: 'a', partitions: 6, replicationFactor: 3 }],
      state({ a: { partitions: 3, rf: 1 } }),
    )
    expect(plan.actions).toEqual([{ type: 'add-partitions', topic: 'a', from: 3, to: 6 }])
    expect(plan.warnings).toHaveLength(1)
    expect(plan.drift).toEqual([
      expect.objectContaining({ setting: 'replicationFactor', declared: 3, actual: 1 }),
    ])
  })
})
