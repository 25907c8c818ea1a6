import { createTopicAdmin } from '@kafkit/client'
import { createKafkajsEngine } from '@kafkit/client/engine'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { memoryLogger, suffix } from '../../packages/client/test/fixtures/integration'

describe('typed admin: ensureTopics against a real broker', () => {
  const brokers = inject('kafkaBrokers')
  const s = suffix()
  const events = `events-${s}`
  const audit = `audit-${s}`
  const cleanup: (() => Promise<void>)[] = []

  afterAll(async () => {
    for (const c of cleanup) await c()
  })

  async function describeCluster() {
    const admin = createKafkajsEngine({ brokers }).admin()
    await admin.connect()
    try {
      const topics = await admin.describeTopics([events, audit])
      const configs = await admin.describeTopicConfigs([events, audit])
      const get = (topic: string, name: string) => configs.get(topic)?.find((e) => e.name === name)?.value
      return { topics, get }
    } finally {
      await admin.disconnect()
    }
  }

  it('creates, plans in dry-run, raises partitions with a warning, updates configs, reports drift', async () => {
    const logger = memoryLogger()
    const v1 = createTopicAdmin({
      brokers,
      logger,
      topics: [
        { topic: events, partitions: 2, retentionMs: 3_600_000, cleanupPolicy: 'delete' },
        {
          topic: audit,
          partitions: 1,
          replicationFactor: 1,
          retentionBytes: 1_048_576,
          configs: { 'max.message.bytes': 200_000 },
        },
      ],
    })
    cleanup.push(async () => {
      await v1.deleteTopics()
      await v1.disconnect()
    })
    const dry = await v1.ensureTopics({ dryRun: true })
    expect(dry).toMatchObject({ dryRun: true, applied: false, drift: [] })
    expect(dry.actions.map((a) => [a.type, a.topic])).toEqual([
      ['create', events],
      ['create', audit],
    ])
    // A dry run changes nothing.
    expect((await describeCluster()).topics).toEqual([])

    const created = await v1.ensureTopics()
    expect(created.applied).toBe(true)
    let state = await describeCluster()
    expect(state.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      [audit, 1],
      [events, 2],
    ])
    expect(state.get(events, 'retention.ms')).toBe('3600000')
    expect(state.get(audit, 'retention.bytes')).toBe('1048576')
    expect(state.get(audit, 'max.message.bytes')).toBe('200000')

    // Nothing to do the second time.
    expect((await v1.ensureTopics()).actions).toEqual([])

    const v2 = createTopicAdmin({
      brokers,
      logger,
      topics: [
        { topic: events, partitions: 4, retentionMs: 7_200_000, cleanupPolicy: 'compact,delete' },
        { topic: audit, partitions: 1, replicationFactor: 3, retentionBytes: 1_048_576 },
      ],
    })
    const plan = await v2.ensureTopics({ dryRun: true })
    expect(plan.actions).toEqual([
      { type: 'add-partitions', topic: events, from: 2, to: 4 },
      {
        type: 'alter-configs',
        topic: events,
        changes: [
          { name: 'retention.ms', from: '3600000', to: '7200000' },
          { name: 'cleanup.policy', from: 'delete', to: 'compact,delete' },
        ],
      },
    ])
    expect(plan.warnings[0]).toMatch(/raising partitions 2 -> 4 .*another partition/)
    expect(plan.drift).toEqual([
      expect.objectContaining({ topic: audit, setting: 'replicationFactor', declared: 3, actual: 1 }),
    ])
    await expect(v2.ensureTopics({ failOnDrift: true })).rejects.toMatchObject({
      code: 'KAFKIT_CLIENT_ADMIN_DRIFT',
    })

    const applied = await v2.ensureTopics()
    expect(applied.applied).toBe(true)
    state = await describeCluster()
    expect(state.topics.find((t) => t.name === events)?.partitions).toHaveLength(4)
    expect(state.get(events, 'retention.ms')).toBe('7200000')
    expect(state.get(events, 'cleanup.policy')).toBe('compact,delete')
    // Configs not declared this time were left as they were (AlterConfigs is not incremental in kafkajs).
    expect(state.get(audit, 'max.message.bytes')).toBe('200000')
    expect(logger.lines.some((l) => l.level === 'warn' && /keyed|another partition/.test(l.message))).toBe(
      true,
    )
    await v2.disconnect()

    // Never lowers partitions: declaring fewer is drift, and nothing changes.
    const v3 = createTopicAdmin({ brokers, topics: [{ topic: events, partitions: 1 }] })
    const lower = await v3.ensureTopics()
    expect(lower.actions).toEqual([])
    expect(lower.drift).toEqual([
      expect.objectContaining({ topic: events, setting: 'partitions', declared: 1, actual: 4 }),
    ])
    expect((await describeCluster()).topics.find((t) => t.name === events)?.partitions).toHaveLength(4)
    await v3.disconnect()
  })
})
