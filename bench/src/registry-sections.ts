import { buildSection } from './build'
import { schemaText } from './payload'
import type { Section } from './results'
import {
  REGISTRY_ENDPOINTS,
  REGISTRY_PEERS,
  type RegistrySettings,
  type RegistrySuiteResult,
  type RssFigure,
} from './suites/registry'
import { REGISTER_STEPS } from './suites/registry-profile'

const APICURIO = REGISTRY_PEERS.apicurio
const KAFKIT = [REGISTRY_PEERS.memory, REGISTRY_PEERS.file] as const
const PEERS = [...KAFKIT, APICURIO] as const

/** The issue's targets: minimum throughput ratio to Apicurio per endpoint. */
export const REGISTRY_TARGETS: Readonly<Record<string, number>> = {
  [REGISTRY_ENDPOINTS.getById]: 3,
  [REGISTRY_ENDPOINTS.registerRepeat]: 3,
  [REGISTRY_ENDPOINTS.compatibility]: 3,
  [REGISTRY_ENDPOINTS.registerNew]: 2,
}
/** RSS per 10,000 schemas at most this fraction of Apicurio's. */
export const RSS_PER_10K_TARGET = 0.5

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function targetNote(
  value: number | undefined,
  reference: number | undefined,
  target: number,
  higher: boolean,
) {
  if (value === undefined || reference === undefined || reference === 0)
    return 'target not checked: no Apicurio figure'
  const r = value / reference
  const ok = higher ? r >= target : r <= target
  return `target ${higher ? '>=' : '<='} ${target}x Apicurio: ${ok ? 'pass' : 'FAIL'}`
}

const count = (n: number) => n.toLocaleString('en-US')

/** One section per endpoint (ratio to Apicurio), the warm-up, memory, start-up and the register path. */
export function registrySections(
  r: RegistrySuiteResult,
  s: RegistrySettings,
  profile: ReadonlyMap<string, number> | undefined,
  profileOps: number,
): Section[] {
  const sections: Section[] = []
  const how = `autocannon, ${s.connections} connections, ${s.durationSeconds} s per endpoint per run after a ${s.warmupSeconds} s warm-up per endpoint; each registry in its own process, one after the other, on the same machine`
  const whatFor: Record<string, string> = {
    [REGISTRY_ENDPOINTS.getById]: `the seed schema (the ${count(schemaBytes())} B bench event) by id`,
    [REGISTRY_ENDPOINTS.registerNew]:
      'each request registers a never-seen schema (the bench event under a new record name) under a new subject',
    [REGISTRY_ENDPOINTS.registerRepeat]:
      'the seed schema posted again to its subject (the idempotent call every producer makes at start-up)',
    [REGISTRY_ENDPOINTS.compatibility]:
      'a compatible evolution of the seed schema (one optional field added), checked against the latest version (BACKWARD)',
    [REGISTRY_ENDPOINTS.subjects]: `${s.seedSubjects} subjects, measured before any new schema is registered`,
  }
  for (const [key, endpoint] of Object.entries(REGISTRY_ENDPOINTS)) {
    const byPeer = r.throughput.get(endpoint) ?? new Map<string, number[]>()
    const measured = new Map<string, number[]>()
    for (const p of PEERS) if (byPeer.has(p)) measured.set(p, byPeer.get(p)!)
    const notes = new Map<string, string>()
    const target = REGISTRY_TARGETS[endpoint]
    const ref = byPeer.get(APICURIO)
    for (const p of KAFKIT) {
      const mine = byPeer.get(p)
      if (target !== undefined && mine)
        notes.set(p, targetNote(median(mine), ref ? median(ref) : undefined, target, true))
    }
    sections.push(
      buildSection({
        id: `registry-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        title: `Registry: ${endpoint}`,
        unit: 'req/s',
        higherIsBetter: true,
        baselines: [APICURIO],
        description: `${whatFor[endpoint]}; ${how}.`,
        measured,
        notes,
      }),
    )
  }

  const warm = new Map<string, number[]>()
  for (const p of PEERS) {
    for (const [endpoint, v] of r.warmup.get(p) ?? []) warm.set(`${p}: ${endpoint}`, [v])
  }
  sections.push(
    buildSection({
      id: 'registry-warmup',
      title: 'Registry warm-up',
      unit: 'req/s',
      higherIsBetter: true,
      baselines: [],
      description: `Requests/s during the ${s.warmupSeconds} s warm-up of each endpoint, before the measured runs (compare with the medians above: the JVM compiles its hot paths during the first seconds). No ratio.`,
      measured: warm,
    }),
  )

  const rssSection = (
    id: string,
    title: string,
    description: string,
    pick: (f: NonNullable<ReturnType<RegistrySuiteResult['rss']['get']>>) => RssFigure | undefined,
  ) => {
    const measured = new Map<string, number[]>()
    const notes = new Map<string, string>()
    for (const p of PEERS) {
      const f = r.rss.get(p)
      const v = f ? pick(f) : undefined
      if (!v) continue
      measured.set(p, [v.mib])
      notes.set(p, `${count(v.schemas)} schemas${v.note ? `; ${v.note}` : ''}`)
    }
    sections.push(
      buildSection({
        id,
        title,
        unit: 'MiB',
        higherIsBetter: false,
        baselines: [APICURIO],
        description,
        measured,
        notes,
      }),
    )
  }
  rssSection(
    'registry-rss-idle',
    'Registry RSS, started and idle',
    'Resident set size of the server process right after start-up, before any request (Linux /proc VmRSS).',
    (f) => f.idle,
  )
  rssSection(
    'registry-rss-load',
    'Registry RSS after the load',
    'RSS of the server process after all the throughput runs above (1 s after the last request); the schema count differs because faster registries registered more new schemas in the same time.',
    (f) => f.afterLoad,
  )
  rssSection(
    'registry-rss-10k',
    `Registry RSS with ${count(s.memorySchemas)} schemas`,
    `A fresh server process; ${count(s.memorySchemas)} new schemas (the bench event under distinct names, one subject each) registered over HTTP with autocannon, ${s.connections} connections, for at most ${s.fillSeconds} s (a row below the count says where it stopped); RSS read 1 s later.`,
    (f) => f.atMemory,
  )
  rssSection(
    'registry-rss-100k',
    `Registry RSS with ${count(s.bulkSchemas)} schemas`,
    `Kafkit: a fresh process that replays a log of ${count(s.bulkSchemas)} register records on start (the records HTTP registration appends, applied by the same state machine: the bench's bulk path, as registering them over HTTP takes minutes on 2 cores). Apicurio has no faster bulk path (its zip import measured slower than HTTP registration), so it keeps registering over HTTP after the previous figure, for at most ${s.fillSeconds} s; the row says how many schemas it reached.`,
    (f) => f.atBulk,
  )

  // Growth per 10,000 schemas, from the fresh process's idle RSS: the target compares these.
  const per = new Map<string, number[]>()
  const perNotes = new Map<string, string>()
  const slope = (f: NonNullable<ReturnType<RegistrySuiteResult['rss']['get']>>, at: RssFigure | undefined) =>
    f.fresh && at && at.schemas > 0 ? ((at.mib - f.fresh.mib) / at.schemas) * 10_000 : undefined
  const apicurioRss = r.rss.get(APICURIO)
  const apicurioPer = apicurioRss ? slope(apicurioRss, apicurioRss.atMemory) : undefined
  for (const p of PEERS) {
    const f = r.rss.get(p)
    const v = f ? slope(f, f.atMemory) : undefined
    if (v === undefined || !f) continue
    per.set(p, [v])
    const large = slope(f, f.atBulk)
    const parts = [
      large === undefined
        ? ''
        : `${large.toFixed(1)} MiB per 10,000 up to ${count(f.atBulk!.schemas)} schemas`,
      p === APICURIO ? '' : targetNote(v, apicurioPer, RSS_PER_10K_TARGET, false),
    ].filter(Boolean)
    perNotes.set(p, parts.join('; '))
  }
  sections.push(
    buildSection({
      id: 'registry-rss-per-10k',
      title: 'Registry RSS per 10,000 schemas',
      unit: 'MiB',
      higherIsBetter: false,
      baselines: [APICURIO],
      description: `(RSS with ${count(s.memorySchemas)} schemas - RSS of the same fresh process before any) / schemas x 10,000; the note gives the same slope up to the large count.`,
      measured: per,
      notes: perNotes,
    }),
  )

  const startup = new Map<string, number[]>()
  for (const p of PEERS) {
    const st = r.startupMs.get(p)
    if (!st) continue
    startup.set(`${p}: empty`, [st.empty])
    if (st.bulk !== undefined) startup.set(`${p}: replaying ${count(st.bulkSchemas ?? 0)} records`, [st.bulk])
  }
  sections.push(
    buildSection({
      id: 'registry-process-startup',
      title: 'Registry start-up (process)',
      unit: 'ms',
      higherIsBetter: false,
      baselines: [],
      description:
        'From spawning the server process to its first answer (Kafkit: to listening, which waits for the replay of its log). No ratio.',
      measured: startup,
    }),
  )

  if (profile) {
    sections.push(
      buildSection({
        id: 'registry-register-path',
        title: 'Registry register path, step by step',
        unit: 'µs/op',
        higherIsBetter: false,
        baselines: [],
        description: `Manual timers in the bench process over ${count(profileOps)} distinct never-seen schemas per step (fsync steps: fewer), after a warm-up; the HTTP layer (fastify, JSON bodies, routing) is the rest of a request's cost. See "Where a register's time goes" below. No ratio.`,
        measured: new Map(
          Object.values(REGISTER_STEPS)
            .filter((label) => profile.has(label))
            .map((label) => [label, [profile.get(label)!]]),
        ),
      }),
    )
  }
  return sections
}

function schemaBytes(): number {
  return Buffer.byteLength(schemaText)
}
