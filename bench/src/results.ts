/**
 * The shape of bench-results/latest.json and docs/benchmarks/results.json. The report (table, SVG,
 * docs/benchmarks.md) is rendered from this alone, so a committed JSON can always be redrawn.
 */
export interface BenchResults {
  readonly format: 1
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationSeconds: number
  /** `quick` runs are smoke tests of the harness; only `full` runs are committed. */
  readonly mode: 'full' | 'quick'
  readonly machine: MachineInfo
  /** Settings shared by every peer, in print order. */
  readonly settings: readonly Setting[]
  readonly peers: readonly PeerStatus[]
  readonly sections: readonly Section[]
}

export interface MachineInfo {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly node: string
  readonly java: string
  readonly kafka: string
  /** Versions of the libraries measured, by package name. */
  readonly packages: Readonly<Record<string, string>>
}

export interface Setting {
  readonly name: string
  readonly value: string
}

export interface PeerStatus {
  readonly id: string
  readonly label: string
  readonly status: 'measured' | 'skipped' | 'failed'
  /** Why it was skipped or failed, or what it is. */
  readonly note: string
}

export interface Section {
  readonly id: string
  readonly title: string
  readonly unit: string
  readonly higherIsBetter: boolean
  /** Labels of the rows (or virtual references) that ratios are taken against; the first is charted. */
  readonly baselines: readonly string[]
  /** One line on what was measured and how much. */
  readonly description: string
  readonly rows: readonly Row[]
}

export interface Row {
  readonly label: string
  /** Every run's figure, in run order. */
  readonly runs: readonly number[]
  readonly median: number
  /** median / baseline median, per baseline label; null when that baseline was not measured. */
  readonly ratios: Readonly<Record<string, number | null>>
  readonly note?: string
}
