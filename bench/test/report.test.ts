import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildSection } from '../src/build'
import { parseResults, renderMarkdown, renderSvg, renderTextReport } from '../src/report'
import type { BenchResults } from '../src/results'
import { median, percentile } from '../src/stats'
import { paths } from '../src/write-report'

function sample(): BenchResults {
  return {
    format: 1,
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:10:05.000Z',
    durationSeconds: 360,
    mode: 'full',
    machine: {
      cpuModel: 'Test CPU <fast> & cheap',
      cores: 2,
      memoryGiB: 24,
      os: 'TestOS',
      node: 'v20.20.2',
      java: 'openjdk 17',
      kafka: '4.1.1',
      packages: { kafkajs: '2.2.4' },
    },
    settings: [{ name: 'runs per figure', value: '5 (median reported)' }],
    peers: [
      { id: 'kafkajs-json', label: 'kafkajs (JSON)', status: 'measured', note: '' },
      { id: 'other', label: 'other | client', status: 'skipped', note: 'does not install here' },
    ],
    sections: [
      buildSection({
        id: 'produce',
        title: 'Produce',
        unit: 'msgs/s',
        higherIsBetter: true,
        baselines: ['kafkajs (JSON)'],
        description: 'test produce',
        measured: new Map([
          ['kafkajs (JSON)', [100, 300, 200, 250, 150]],
          ['Kafkit typed Avro', [400, 500, 300, 450, 350]],
        ]),
      }),
      buildSection({
        id: 'codegen',
        title: 'Codegen',
        unit: 'ms',
        higherIsBetter: false,
        baselines: ['target 3 s'],
        references: { 'target 3 s': 3000 },
        description: 'test codegen',
        measured: new Map([['generate() <1,000> schemas', [600, 900, 750]]]),
      }),
      buildSection({
        id: 'registry',
        title: 'Schema Registry',
        unit: 'req/s',
        higherIsBetter: true,
        baselines: [],
        description: 'no ratio',
        measured: new Map([['GET /schemas/ids/{id}', [1000, 2000, 3000]]]),
      }),
    ],
  }
}

/** Minimal well-formedness check: every tag closes in order, attributes are quoted, one root. */
function assertWellFormedXml(text: string): void {
  const body = text.trim()
  const stack: string[] = []
  let roots = 0
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g
  let last = 0
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const between = body.slice(last, m.index)
    expect(between, `stray markup before ${m[0]}`).not.toMatch(/[<>]/)
    expect(between.replace(/&(amp|lt|gt|quot|#\d+);/g, ''), 'unescaped &').not.toContain('&')
    last = m.index + m[0].length
    const [, closing, name, , selfClosing] = m
    if (closing) {
      expect(stack.pop(), `closing </${name}>`).toBe(name)
      if (stack.length === 0) roots++
    } else if (!selfClosing) {
      stack.push(name!)
    } else if (stack.length === 0) roots++
  }
  expect(body.slice(last)).toBe('')
  expect(stack).toEqual([])
  expect(roots).toBe(1)
}

describe('buildSection', () => {
  it('takes the median of the runs and ratios to the baselines', () => {
    const s = sample().sections[0]!
    expect(s.rows.map((r) => r.median)).toEqual([200, 400])
    expect(s.rows[1]!.ratios['kafkajs (JSON)']).toBe(2)
    expect(s.rows[0]!.ratios['kafkajs (JSON)']).toBe(1)
  })

  it('uses fixed references and gives null for a baseline that was not measured', () => {
    expect(sample().sections[1]!.rows[0]!.ratios['target 3 s']).toBe(0.25)
    const s = buildSection({
      id: 'x',
      title: 'X',
      unit: 'ops/s',
      higherIsBetter: true,
      baselines: ['missing'],
      description: '',
      measured: new Map([
        ['a', [1, 2, 3]],
        ['empty', []],
      ]),
    })
    expect(s.rows).toHaveLength(1)
    expect(s.rows[0]!.ratios.missing).toBeNull()
  })
})

describe('stats', () => {
  it('median and nearest-rank percentiles', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile([7], 99)).toBe(7)
    expect(() => median([])).toThrow(/no values/)
  })
})

describe('renderTextReport', () => {
  it('prints machine, settings, peers and one table per section with medians and ratios', () => {
    const text = renderTextReport(sample())
    expect(text).toContain('Test CPU <fast> & cheap (2 cores)')
    expect(text).toContain('runs per figure: 5 (median reported)')
    expect(text).toContain('other | client: skipped - does not install here')
    expect(text).toMatch(/Kafkit typed Avro\s+400\s+400 \/ 500 \/ 300 \/ 450 \/ 350\s+2\.00x/)
    expect(text).toMatch(/generate\(\) <1,000> schemas\s+750\s+600 \/ 900 \/ 750\s+0\.25x/)
    expect(text).toContain('Codegen (lower is better)')
  })
})

describe('renderMarkdown', () => {
  it('renders the tables, how to run, and links the chart', () => {
    const md = renderMarkdown(sample(), { chartPath: 'benchmarks/ratios.svg', resultsPath: 'r.json' })
    expect(md).toContain('## How to run')
    expect(md).toContain('npm run bench')
    expect(md).toContain('![Ratios to the baseline of each benchmark](benchmarks/ratios.svg)')
    expect(md).toContain('| peer | median msgs/s | runs | vs kafkajs (JSON) |')
    expect(md).toContain('| Kafkit typed Avro | 400 | 400 / 500 / 300 / 450 / 350 | 2.00x |')
    // A pipe in a label must not break the table.
    expect(md).toContain('| other \\| client | skipped | does not install here |')
    expect(md).toContain('| GET /schemas/ids/{id} | 2,000 | 1,000 / 2,000 / 3,000 |')
  })
})

describe('renderSvg', () => {
  it('is a well-formed SVG with one bar per ratio and escaped text', () => {
    const svg = renderSvg(sample())
    assertWellFormedXml(svg)
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    // produce: 2 bars, codegen: 1 bar, registry: none (no baseline).
    expect(svg.match(/<rect x="[\d.]+" y="\d+" width="[\d.]+" height="18" class="/g)).toHaveLength(3)
    expect(svg).toContain('Test CPU &lt;fast&gt; &amp; cheap')
    expect(svg).toContain('generate() &lt;1,000&gt; schemas')
    expect(svg).not.toContain('Schema Registry')
  })

  it('draws log2 bars from 1x, pointing right when better whatever the metric direction', () => {
    const svg = renderSvg(sample())
    const bar = (label: string) => {
      const m = new RegExp(`<rect x="([\\d.]+)" y="\\d+" width="([\\d.]+)"[^>]*><title>${label}`).exec(svg)
      return { x: Number(m?.[1]), width: Number(m?.[2]) }
    }
    const base = bar('kafkajs \\(JSON\\)')
    const kafkit = bar('Kafkit typed Avro') // 2x msgs/s: one octave better
    const codegen = bar('generate\\(\\) &lt;1,000&gt; schemas') // 0.25x of the target time: two octaves better
    expect(base.width).toBe(0)
    expect(kafkit.x).toBe(base.x)
    expect(codegen.x).toBe(base.x)
    expect(codegen.width / kafkit.width).toBeCloseTo(2, 2)
    // Worse than the baseline: the bar ends at 1x and starts to its left.
    const worse = sample()
    const produce = worse.sections[0]!
    const slow = { ...produce.rows[1]!, ratios: { 'kafkajs (JSON)': 0.5 } }
    const svg2 = renderSvg({ ...worse, sections: [{ ...produce, rows: [produce.rows[0]!, slow] }] })
    const m = /<rect x="([\d.]+)" y="\d+" width="([\d.]+)"[^>]*><title>Kafkit/.exec(svg2)
    expect(Number(m?.[1]) + Number(m?.[2])).toBeCloseTo(base.x, 1)
  })

  it('clips ratios beyond 8x but labels the true value', () => {
    const r = sample()
    const produce = r.sections[0]!
    const huge = { ...produce.rows[1]!, ratios: { 'kafkajs (JSON)': 106 } }
    const svg = renderSvg({ ...r, sections: [{ ...produce, rows: [produce.rows[0]!, huge] }] })
    assertWellFormedXml(svg)
    expect(svg).toContain('&#187;')
    expect(svg).toContain('>106.0x<')
  })

  it('says so when there is nothing to draw', () => {
    const svg = renderSvg({ ...sample(), sections: [] })
    assertWellFormedXml(svg)
    expect(svg).toContain('No ratios to draw')
  })
})

describe('parseResults', () => {
  it('rejects what is not a results file, saying what is wrong', () => {
    expect(() => parseResults(null)).toThrow(/expected a JSON object/)
    expect(() => parseResults({ format: 2 })).toThrow(/format must be 1/)
    const bad = { ...sample(), sections: [{ id: 'a', title: 'A', baselines: [], rows: [{ label: 'x' }] }] }
    expect(() => parseResults(bad)).toThrow(/sections\[0\]\.rows\[0\] needs label, median/)
    expect(parseResults(JSON.parse(JSON.stringify(sample())))).toEqual(sample())
  })
})

describe('committed docs', () => {
  // results.json is committed: a clone always has it, so this never skips.
  it('docs/benchmarks.md and the chart are rendered from results.json', () => {
    const results = parseResults(JSON.parse(readFileSync(paths.committed, 'utf8')))
    expect(results.mode).toBe('full')
    expect(readFileSync(paths.markdown, 'utf8')).toBe(
      renderMarkdown(results, {
        chartPath: 'benchmarks/ratios.svg',
        resultsPath: 'docs/benchmarks/results.json',
      }),
    )
    expect(readFileSync(paths.svg, 'utf8')).toBe(renderSvg(results))
  })
})
