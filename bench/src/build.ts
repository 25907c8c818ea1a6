import type { Row, Section } from './results'
import { median, ratio } from './stats'

export interface SectionInput {
  readonly id: string
  readonly title: string
  readonly unit: string
  readonly higherIsBetter: boolean
  /** Row labels (or keys of `references`) to take ratios against. */
  readonly baselines: readonly string[]
  /** Fixed reference values that are not measured rows (e.g. a target time). */
  readonly references?: Readonly<Record<string, number>>
  readonly description: string
  /** Per row label, one figure per run; rows keep this order. */
  readonly measured: ReadonlyMap<string, readonly number[]>
  /** Optional note per row label (e.g. a target met or missed). */
  readonly notes?: ReadonlyMap<string, string>
}

/** Medians and ratios for one section; a row with no runs is left out. */
export function buildSection(input: SectionInput): Section {
  const medians = new Map<string, number>()
  for (const [label, runs] of input.measured) if (runs.length > 0) medians.set(label, median(runs))
  const reference = (b: string) => medians.get(b) ?? input.references?.[b]
  const rows: Row[] = []
  for (const [label, runs] of input.measured) {
    const m = medians.get(label)
    if (m === undefined) continue
    const ratios: Record<string, number | null> = {}
    for (const b of input.baselines) ratios[b] = ratio(m, reference(b))
    const note = input.notes?.get(label)
    rows.push({ label, runs: [...runs], median: m, ratios, ...(note ? { note } : {}) })
  }
  return {
    id: input.id,
    title: input.title,
    unit: input.unit,
    higherIsBetter: input.higherIsBetter,
    baselines: [...input.baselines],
    description: input.description,
    rows,
  }
}
