/* Java's number-to-text rules, which Avro Java (and so Confluent) applies to float and double values. */

/** Java's Double.toString (shortest digits, JDK 19+): 1.0, 0.001, 1.0E7, 1.0E-4. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN'
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity'
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0'
  const a = Math.abs(d)
  if (a >= 1e-3 && a < 1e7) {
    const s = a.toString()
    const plain = s.includes('e') ? a.toFixed(20).replace(/0+$/, '') : s
    const withPoint = plain.includes('.') ? plain : `${plain}.0`
    return (d < 0 ? '-' : '') + (withPoint.endsWith('.') ? `${withPoint}0` : withPoint)
  }
  const [mant, exp] = a.toExponential().split('e') as [string, string]
  const m = mant.includes('.') ? mant : `${mant}.0`
  return `${d < 0 ? '-' : ''}${m}E${Number(exp)}`
}

/** Java's Float.toString for a float value: the shortest decimal that rounds to the same float. */
export function javaFloat(d: number): string {
  const f = Math.fround(d)
  if (!Number.isFinite(f) || f === 0) return javaDouble(f)
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p))
    if (Math.fround(candidate) === f) return javaDouble(candidate)
  }
  return javaDouble(f)
}
