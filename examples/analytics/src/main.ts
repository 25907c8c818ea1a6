import { createConsumer, createProducer, createTopicAdmin } from '@kafkit/client'
import { type ExampleContext, renameTopic, waitFor } from 'kafkit-example-support'
import { type com_kafkit_analytics, userActivityPerMinuteTopic, userEventsTopic } from './generated'
import { TumblingWindowCounter, type WindowTotal } from './windows'

export interface AnalyticsResult {
  readonly eventsTopic: string
  /** Per-user counts per minute, as read back from the output topic. */
  readonly perMinute: { key: string; windowStart: string; count: number }[]
  /** The second group on the same topic: every event, counted by type. */
  readonly byType: Record<string, number>
  /** Events each group saw: both see all of them (fan-out), neither steals from the other. */
  readonly seenByGroup: Record<string, number>
  readonly late: number
}

const at = (hhmmss: string) => new Date(`2026-03-01T${hhmmss}Z`)
type Event = com_kafkit_analytics.UserEventInput

/** A morning on the site, in event-time order. */
export const EVENTS: Event[] = [
  { userId: 'u-1', type: 'PAGE_VIEW', page: '/', at: at('10:00:05') },
  { userId: 'u-1', type: 'CLICK', page: '/pricing', at: at('10:00:12') },
  { userId: 'u-2', type: 'PAGE_VIEW', page: '/', at: at('10:00:30') },
  { userId: 'u-1', type: 'PURCHASE', page: '/checkout', at: at('10:00:59') },
  { userId: 'u-3', type: 'PAGE_VIEW', page: '/docs', at: at('10:01:00') },
  { userId: 'u-1', type: 'PAGE_VIEW', page: '/account', at: at('10:01:10') },
  { userId: 'u-3', type: 'CLICK', page: '/docs/client', at: at('10:01:45') },
  { userId: 'u-2', type: 'CLICK', page: '/pricing', at: at('10:02:01') },
  { userId: 'u-3', type: 'PAGE_VIEW', page: '/blog', at: at('10:02:20') },
  { userId: 'u-2', type: 'PURCHASE', page: '/checkout', at: at('10:02:40') },
]

/**
 * Real-time aggregation with fan-out. The `activity` group counts events per user per one-minute
 * event-time window and publishes each closed window to a typed output topic; the `funnel` group
 * reads the same events topic independently (its own offsets) and counts them by type. A third
 * group reads the output topic like a dashboard would.
 */
export async function main({ brokers, registryUrl, runId, log }: ExampleContext): Promise<AnalyticsResult> {
  const events = renameTopic(userEventsTopic, `user-events-${runId}`)
  const perMinute = renameTopic(userActivityPerMinuteTopic, `user-activity-per-minute-${runId}`)
  // One partition keeps event time in order for the single watermark (see TumblingWindowCounter).
  const admin = createTopicAdmin({
    brokers,
    topics: [
      { topic: events, partitions: 1 },
      { topic: perMinute, partitions: 3, cleanupPolicy: 'compact,delete' },
    ],
  })
  await admin.ensureTopics()
  const producer = createProducer({ brokers, registry: registryUrl, topics: [events, perMinute] as const })
  const seenByGroup: Record<string, number> = {}
  const byType: Record<string, number> = {}
  const counter = new TumblingWindowCounter({ sizeMs: 60_000 })
  const read: AnalyticsResult['perMinute'] = []
  const publish = async (windows: WindowTotal[]) => {
    if (windows.length === 0) return
    // Keyed by user+window: a compacted topic keeps the latest count of each window.
    await producer.sendBatch(
      perMinute.name,
      windows.map((w) => ({ key: `${w.key}@${w.windowStart.toISOString()}`, value: w })),
    )
    log?.(
      `activity: published ${windows.length} count(s) for the window at ${windows[0]!.windowStart.toISOString()}`,
    )
  }
  const groupActivity = `activity-${runId}`
  const groupFunnel = `funnel-${runId}`
  const activity = createConsumer({
    brokers,
    registry: registryUrl,
    groupId: groupActivity,
    topics: [events],
    fromBeginning: true,
  })
  const funnel = createConsumer({
    brokers,
    registry: registryUrl,
    groupId: groupFunnel,
    topics: [events],
    fromBeginning: true,
  })
  const dashboard = createConsumer({
    brokers,
    registry: registryUrl,
    groupId: `dashboard-${runId}`,
    topics: [perMinute],
    fromBeginning: true,
  })
  const consumers = [activity, funnel, dashboard]
  try {
    await activity.run({
      eachMessage: async ({ key, value }) => {
        seenByGroup[groupActivity] = (seenByGroup[groupActivity] ?? 0) + 1
        await publish(counter.add(key, value.at))
      },
    })
    await funnel.run({
      eachMessage: ({ value }) => {
        seenByGroup[groupFunnel] = (seenByGroup[groupFunnel] ?? 0) + 1
        byType[value.type] = (byType[value.type] ?? 0) + 1
      },
    })
    await dashboard.run({
      eachMessage: ({ value }) => {
        read.push({ key: value.key, windowStart: value.windowStart.toISOString(), count: value.count })
      },
    })
    await producer.sendBatch(
      events.name,
      EVENTS.map((e) => ({ key: e.userId, value: e })),
    )
    log?.(`produced ${EVENTS.length} user events`)
    const failOn = consumers.map((c) => c.whenStopped())
    await waitFor(
      'both groups to see every event',
      () => seenByGroup[groupActivity] === EVENTS.length && seenByGroup[groupFunnel] === EVENTS.length,
      { failOn },
    )
    // The stream is bounded here: close the last window too.
    await publish(counter.flush())
    const expected = new Set(EVENTS.map((e) => `${e.userId}@${Math.floor(e.at.getTime() / 60_000)}`)).size
    await waitFor(`${expected} window counts on the output topic`, () => read.length === expected, { failOn })
    return {
      eventsTopic: events.name,
      perMinute: read.sort(
        (a, b) => a.windowStart.localeCompare(b.windowStart) || a.key.localeCompare(b.key),
      ),
      byType,
      seenByGroup,
      late: counter.late,
    }
  } finally {
    await Promise.allSettled(consumers.map((c) => c.stop()))
    await producer.disconnect()
    await admin.deleteTopics().catch(() => {})
    await admin.disconnect()
  }
}
