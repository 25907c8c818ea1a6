import { describe, expect, it } from 'vitest'
import { buildSection } from '../src/build'
import { mergeResults } from '../src/merge'
import { registrySections } from '../src/registry-sections'
import type { BenchResults } from '../src/results'
import {
  REGISTRY_ENDPOINTS,
  REGISTRY_PEERS,
  type RegistrySettings,
  type RegistrySuiteResult,
} from '../src/suites/registry'

const settings: RegistrySettings = {
  runs: 3,
  durationSeconds: 2,
  warmupSeconds: 3,
  connections: 10,
  seedSubjects: 100,
  memorySchemas: 10_000,
  bulkSchemas: 100_000,
  fillSeconds: 120,
  apicurio: true,
}

type RssEntry = NonNullable<ReturnType<RegistrySuiteResult['rss']['get']>>

function suiteResult(): RegistrySuiteResult {
  const throughput = new Map<string, Map<string, number[]>>()
  const per = (memory: number, file: number, apicurio: number) =>
    new Map([
      [REGISTRY_PEERS.memory, [memory, memory, memory]],
      [REGISTRY_PEERS.file, [file, file, file]],
      [REGISTRY_PEERS.apicurio, [apicurio, apicurio, apicurio]],
    ])
  throughput.set(REGISTRY_ENDPOINTS.getById, per(30_000, 29_000, 10_000)) // 3x and 2.9x
  throughput.set(REGISTRY_ENDPOINTS.registerNew, per(1_000, 400, 300)) // 3.3x and 1.3x
  throughput.set(REGISTRY_ENDPOINTS.registerRepeat, per(9_000, 9_000, 1_000))
  throughput.set(REGISTRY_ENDPOINTS.compatibility, per(5_000, 5_000, 1_000))
  throughput.set(REGISTRY_ENDPOINTS.subjects, per(20_000, 20_000, 5_000))
  const rss = (fresh: number, at10k: number): RssEntry => ({
    fresh: { mib: fresh, schemas: 0 },
    atMemory: { mib: at10k, schemas: 10_000 },
  })
  return {
    throughput,
    warmup: new Map([[REGISTRY_PEERS.apicurio, new Map([[REGISTRY_ENDPOINTS.getById, 2_000]])]]),
    rss: new Map<string, RssEntry>([
      [REGISTRY_PEERS.memory, rss(100, 140)], // 40 MiB per 10k
      [REGISTRY_PEERS.file, rss(100, 160)], // 60
      [REGISTRY_PEERS.apicurio, { ...rss(250, 350), atBulk: { mib: 600, schemas: 40_000, note: 'stopped' } }], // 100
    ]),
    startupMs: new Map([[REGISTRY_PEERS.apicurio, { empty: 4_000 }]]),
    apicurio: { status: 'measured', note: '' },
  }
}

describe('registry sections', () => {
  it('gives every endpoint a ratio to Apicurio and says whether each target passes', () => {
    const sections = registrySections(suiteResult(), settings, undefined, 0)
    const byId = new Map(sections.map((s) => [s.id, s]))
    const get = byId.get('registry-get-by-id')!
    expect(get.baselines).toEqual([REGISTRY_PEERS.apicurio])
    expect(get.rows.find((r) => r.label === REGISTRY_PEERS.memory)!.ratios[REGISTRY_PEERS.apicurio]).toBe(3)
    expect(get.rows.find((r) => r.label === REGISTRY_PEERS.memory)!.note).toContain('pass')
    expect(get.rows.find((r) => r.label === REGISTRY_PEERS.file)!.note).toContain('FAIL')
    const reg = byId.get('registry-register-new')!
    expect(reg.rows.find((r) => r.label === REGISTRY_PEERS.memory)!.note).toBe('target >= 2x Apicurio: pass')
    expect(reg.rows.find((r) => r.label === REGISTRY_PEERS.file)!.note).toBe('target >= 2x Apicurio: FAIL')
    // GET /subjects has no target.
    expect(byId.get('registry-subjects')!.rows.every((r) => r.note === undefined)).toBe(true)
    const per = byId.get('registry-rss-per-10k')!
    expect(per.rows.map((r) => r.median)).toEqual([40, 60, 100])
    expect(per.rows[0]!.note).toContain('target <= 0.5x Apicurio: pass')
    expect(per.rows[1]!.note).toContain('FAIL')
    expect(byId.get('registry-rss-100k')!.rows[0]!.note).toBe('40,000 schemas; stopped')
  })

  it('says a target was not checked when Apicurio was not measured', () => {
    const r = suiteResult()
    for (const byPeer of r.throughput.values()) byPeer.delete(REGISTRY_PEERS.apicurio)
    const get = registrySections(r, settings, undefined, 0).find((s) => s.id === 'registry-get-by-id')!
    expect(get.rows[0]!.ratios[REGISTRY_PEERS.apicurio]).toBeNull()
    expect(get.rows[0]!.note).toContain('not checked')
  })
})

describe('mergeResults', () => {
  const results = (startedAt: string, ids: string[], value: number): BenchResults => ({
    format: 1,
    startedAt,
    finishedAt: startedAt,
    durationSeconds: 60,
    mode: 'full',
    machine: {
      cpuModel: 'x',
      cores: 2,
      memoryGiB: 24,
      os: 'x',
      node: 'v20',
      java: 'x',
      kafka: 'x',
      packages: {},
    },
    settings: [
      { name: 'registry load', value: `load ${value}` },
      { name: 'load average (1 min) at start / end', value: `${value} / ${value}` },
    ],
    peers: [{ id: 'p', label: 'P', status: 'measured', note: `${value}` }],
    sections: ids.map((id) =>
      buildSection({
        id,
        title: id,
        unit: 'x',
        higherIsBetter: true,
        baselines: [],
        description: '',
        measured: new Map([['row', [value]]]),
      }),
    ),
  })

  it("replaces only the merged suites' sections, in place, and records where they came from", () => {
    const committed = results('2026-01-01', ['serde-encode', 'codegen', 'registry', 'produce'], 1)
    const partial = results('2026-02-02', ['registry-get-by-id', 'registry-rss-10k'], 2)
    const merged = mergeResults(committed, partial, ['registry'])
    expect(merged.sections.map((s) => s.id)).toEqual([
      'serde-encode',
      'codegen',
      'registry-get-by-id',
      'registry-rss-10k',
      'produce',
    ])
    expect(merged.sections.find((s) => s.id === 'produce')!.rows[0]!.median).toBe(1)
    expect(merged.settings.find((s) => s.name === 'registry load')!.value).toBe('load 2')
    expect(merged.settings.find((s) => s.name === 'load average (1 min) at start / end')!.value).toBe('1 / 1')
    expect(merged.settings.at(-1)!.value).toContain(
      'registry sections come from a run of only those suites at 2026-02-02',
    )
    expect(merged.peers[0]!.note).toBe('2')
    expect(merged.startedAt).toBe('2026-01-01')
  })
})
