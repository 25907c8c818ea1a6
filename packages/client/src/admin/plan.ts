import type { EngineTopicConfigEntry, EngineTopicDescription } from '../engine/types'
import type { TopicDeclaration } from './options'
import type { TopicAction, TopicDrift, TopicPlan } from './types'

export function topicName(d: TopicDeclaration): string {
  return typeof d.topic === 'string' ? d.topic : d.topic.name
}

/** The topic configs a declaration sets, as Kafka config strings. */
export function declaredConfigs(d: TopicDeclaration): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(d.configs ?? {})) out[k] = String(v)
  if (d.retentionMs !== undefined) out['retention.ms'] = String(d.retentionMs)
  if (d.retentionBytes !== undefined) out['retention.bytes'] = String(d.retentionBytes)
  if (d.cleanupPolicy !== undefined) out['cleanup.policy'] = d.cleanupPolicy
  return out
}

/** What the cluster looks like for the declared topics (missing topics are absent). */
export interface ClusterState {
  readonly topics: ReadonlyMap<string, EngineTopicDescription>
  readonly configs: ReadonlyMap<string, readonly EngineTopicConfigEntry[]>
}

/**
 * Pure diff of declarations against the cluster: creations, partition increases and config
 * updates it can apply, plus drift it cannot fix (fewer partitions declared than exist, another
 * replication factor).
 */
export function planTopics(declarations: readonly TopicDeclaration[], state: ClusterState): TopicPlan {
  const actions: TopicAction[] = []
  const drift: TopicDrift[] = []
  const warnings: string[] = []
  for (const d of declarations) {
    const name = topicName(d)
    const wanted = declaredConfigs(d)
    const current = state.topics.get(name)
    if (!current) {
      actions.push({
        type: 'create',
        topic: name,
        partitions: d.partitions,
        replicationFactor: d.replicationFactor,
        configs: wanted,
      })
      continue
    }
    const have = current.partitions.length
    if (d.partitions > have) {
      actions.push({ type: 'add-partitions', topic: name, from: have, to: d.partitions })
      warnings.push(
        `topic '${name}': raising partitions ${have} -> ${d.partitions} changes hash(key) % partitions, so records with an existing key may go to another partition than before (ordering per key holds only from now on)`,
      )
    } else if (d.partitions < have) {
      drift.push({
        topic: name,
        setting: 'partitions',
        declared: d.partitions,
        actual: have,
        reason:
          'Kafka cannot remove partitions: recreate the topic (losing its data) or declare the actual count',
      })
    }
    const rf = current.partitions[0]?.replicas.length
    if (d.replicationFactor !== undefined && rf !== undefined && rf !== d.replicationFactor) {
      drift.push({
        topic: name,
        setting: 'replicationFactor',
        declared: d.replicationFactor,
        actual: rf,
        reason: 'changing the replication factor needs a partition reassignment (kafka-reassign-partitions)',
      })
    }
    const entries = new Map((state.configs.get(name) ?? []).map((e) => [e.name, e.value]))
    const changes = Object.entries(wanted)
      .filter(([k, v]) => entries.get(k) !== v)
      .map(([k, v]) => ({ name: k, from: entries.get(k) ?? null, to: v }))
    if (changes.length > 0) actions.push({ type: 'alter-configs', topic: name, changes })
  }
  return { actions, drift, warnings }
}
