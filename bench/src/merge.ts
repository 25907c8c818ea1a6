import type { BenchResults, Section } from './results'

/** The registry-kafka suite's sections (the registry suite owns every other `registry-...` id). */
const REGISTRY_KAFKA_IDS = new Set(['registry-failover', 'registry-startup'])

/** Which section ids a suite writes. */
const OWNS: Readonly<Record<string, (id: string) => boolean>> = {
  serde: (id) => id.startsWith('serde-'),
  codegen: (id) => id === 'codegen',
  registry: (id) => (id === 'registry' || id.startsWith('registry-')) && !REGISTRY_KAFKA_IDS.has(id),
  'registry-kafka': (id) => REGISTRY_KAFKA_IDS.has(id),
  produce: (id) => id === 'produce',
  consume: (id) => id === 'consume',
  latency: (id) => id.startsWith('latency-'),
}

function ownedBy(section: Section, suites: readonly string[]): boolean {
  return suites.some((s) => OWNS[s]?.(section.id) ?? false)
}

/**
 * The committed results with the sections of `suites` taken from `partial` (a run of only those
 * suites): their old sections are dropped and the new ones put where the first of them was. Settings
 * and peers of the partial run replace those of the same name or id, and a setting records which
 * sections came from which run, so the page never passes two runs off as one.
 */
export function mergeResults(
  committed: BenchResults,
  partial: BenchResults,
  suites: readonly string[],
): BenchResults {
  const fresh = partial.sections.filter((s) => ownedBy(s, suites))
  const at = committed.sections.findIndex((s) => ownedBy(s, suites))
  const kept = committed.sections.filter((s) => !ownedBy(s, suites))
  const insertAt =
    at < 0 ? kept.length : committed.sections.slice(0, at).filter((s) => !ownedBy(s, suites)).length
  const sections = [...kept.slice(0, insertAt), ...fresh, ...kept.slice(insertAt)]

  const skip = new Set(['mode', 'suites', 'load average (1 min) at start / end', 'merged run'])
  const settings = committed.settings
    .filter((s) => s.name !== 'merged run')
    .map((s) => {
      if (skip.has(s.name)) return s
      return partial.settings.find((p) => p.name === s.name) ?? s
    })
  for (const p of partial.settings) {
    if (!skip.has(p.name) && !settings.some((s) => s.name === p.name)) settings.push(p)
  }
  const load = partial.settings.find((s) => s.name === 'load average (1 min) at start / end')?.value ?? 'n/a'
  settings.push({
    name: 'merged run',
    value: `the ${suites.join(', ')} sections come from a run of only those suites at ${partial.startedAt} (${partial.durationSeconds.toFixed(0)} s, load average ${load}); the others from the full run at ${committed.startedAt}`,
  })

  const peers = committed.peers.map((p) => partial.peers.find((q) => q.id === p.id) ?? p)
  for (const p of partial.peers) if (!peers.some((q) => q.id === p.id)) peers.push(p)

  return {
    ...committed,
    machine: {
      ...committed.machine,
      packages: { ...committed.machine.packages, ...partial.machine.packages },
    },
    settings,
    peers,
    sections,
  }
}
