/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values')
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values')
  const s = Float64Array.from(values).sort()
  const rank = Math.ceil((p / 100) * s.length)
  return s[Math.min(s.length, Math.max(1, rank)) - 1]!
}

/** a / b, or null when b is missing or zero. */
export function ratio(a: number, b: number | undefined): number | null {
  if (b === undefined || b === 0 || !Number.isFinite(b)) return null
  return a / b
}

/** Human figure: 12345.6 -> "12,346"; small values keep 2-3 significant digits. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const abs = Math.abs(n)
  if (abs >= 100) return Math.round(n).toLocaleString('en-US')
  if (abs >= 10) return n.toFixed(1)
  if (abs >= 1) return n.toFixed(2)
  return n.toPrecision(2)
}

export function formatRatio(r: number | null | undefined): string {
  if (r === null || r === undefined) return 'n/a'
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`
}
