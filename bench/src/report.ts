import type { BenchResults, Row, Section } from './results'
import { formatNumber, formatRatio } from './stats'

/**
 * Pure rendering of a results JSON: the stdout table, docs/benchmarks.md and the SVG chart. No I/O
 * here, so the unit test can feed any JSON and check what comes out.
 */

/** Checks that `value` looks like a results file; the error says which part is wrong. */
export function parseResults(value: unknown): BenchResults {
  const fail = (what: string): never => {
    throw new Error(`not a Kafkit bench results file: ${what} (run \`npm run bench\` to produce one)`)
  }
  if (typeof value !== 'object' || value === null) fail('expected a JSON object')
  const r = value as Partial<BenchResults>
  if (r.format !== 1) fail(`format must be 1, got ${JSON.stringify(r.format)}`)
  if (typeof r.machine !== 'object' || r.machine === null) fail('missing "machine"')
  if (!Array.isArray(r.settings)) fail('"settings" must be an array')
  if (!Array.isArray(r.peers)) fail('"peers" must be an array')
  if (!Array.isArray(r.sections)) fail('"sections" must be an array')
  for (const [i, s] of (r.sections as Section[]).entries()) {
    if (typeof s?.id !== 'string' || typeof s.title !== 'string') fail(`sections[${i}] needs id and title`)
    if (!Array.isArray(s.rows) || !Array.isArray(s.baselines)) fail(`sections[${i}] needs rows and baselines`)
    for (const [j, row] of s.rows.entries()) {
      if (typeof row?.label !== 'string' || typeof row.median !== 'number' || !Array.isArray(row.runs))
        fail(`sections[${i}].rows[${j}] needs label, median (number) and runs`)
    }
  }
  return r as BenchResults
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width)
}

/** Aligned plain-text table: first column left, the rest right-aligned. */
function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, i > 0))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function ratioCells(section: Section, row: Row): string[] {
  return section.baselines.map((b) => formatRatio(row.ratios[b]))
}

function sectionHeader(section: Section): string[] {
  return [
    section.unit === '' ? 'peer' : `peer`,
    `median ${section.unit}`,
    'runs',
    ...section.baselines.map((b) => `vs ${b}`),
  ]
}

function sectionRows(section: Section): string[][] {
  return section.rows.map((row) => [
    row.note ? `${row.label} (${row.note})` : row.label,
    formatNumber(row.median),
    row.runs.map(formatNumber).join(' / '),
    ...ratioCells(section, row),
  ])
}

function machineLines(results: BenchResults): string[] {
  const m = results.machine
  return [
    `cpu: ${m.cpuModel} (${m.cores} cores), memory ${m.memoryGiB} GiB, ${m.os}`,
    `node ${m.node}, java ${m.java}, kafka ${m.kafka}`,
    `packages: ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  ]
}

/** What `npm run bench` prints at the end: machine, settings, peers and one table per section. */
export function renderTextReport(results: BenchResults): string {
  const out: string[] = []
  out.push(
    `Kafkit benchmarks (${results.mode} run, ${results.startedAt}, ${results.durationSeconds.toFixed(0)} s)`,
  )
  out.push(...machineLines(results).map((l) => `  ${l}`))
  out.push('settings:')
  for (const s of results.settings) out.push(`  ${s.name}: ${s.value}`)
  out.push('peers:')
  for (const p of results.peers) out.push(`  ${p.label}: ${p.status}${p.note ? ` - ${p.note}` : ''}`)
  for (const section of results.sections) {
    out.push('')
    out.push(`${section.title} (${section.higherIsBetter ? 'higher' : 'lower'} is better)`)
    out.push(`  ${section.description}`)
    out.push(textTable(sectionHeader(section), sectionRows(section)))
  }
  return `${out.join('\n')}\n`
}

function mdEscape(text: string): string {
  return text.replace(/\|/g, '\\|')
}

/** Figures right-aligned after the first column unless `numeric` is false (text tables). */
function markdownTable(header: string[], rows: string[][], numeric = true): string {
  const line = (cells: string[]) => `| ${cells.map(mdEscape).join(' | ')} |`
  const align = header.map((_, i) => (i === 0 || !numeric ? '---' : '---:'))
  return [line(header), `|${align.join('|')}|`, ...rows.map(line)].join('\n')
}

const NOTES = [
  'Compare ratios within one run, not absolute figures across machines or runs: the peers run one after the ' +
    'other, in a different order each run, on the same broker, so they see the same machine. The load average ' +
    'printed with the settings says how busy the machine was (a shared 2-core machine gives noisy figures).',
  '"Kafkit typed Avro" sends and fetches through the kafkajs engine, so its Kafka figures are those of ' +
    "kafkajs plus Kafkit's own work: zod validation, Avro encoding, Java-compatible partitioning and the schema " +
    'guard; "Kafkit typed Avro on platformatic" is the same client on the @platformatic/kafka engine (the ' +
    'default engine), to compare with raw @platformatic/kafka. Avro values are smaller than the same event as JSON, so Avro peers move fewer bytes.',
  'End-to-end latency includes encode, the produce round trip with acks=all, the fetch and decode. Peers that ' +
    "consume with kafkajs (raw kafkajs, kafkajs + csr, Kafkit) share kafkajs's fetch loop. A p99 many times " +
    'the p50 means some records waited seconds (a stalled fetch), not a slow steady state: look at every run.',
  'Raw @platformatic/kafka 1.35.0 showed a p99 of about 12 s in every run with autocommit after every fetch, and ' +
    'none with autocommit off. In 1.35.0 that autocommit starts an OffsetCommit after every fetch response whether ' +
    'or not the previous one is still in flight (at 1000 msgs/s, hundreds a second on the group coordinator ' +
    'connection); 2.x keeps one commit in flight and merges the offsets that arrive meanwhile. With 2.12.1 and ' +
    'the same settings the stall is gone: a latency run on a loaded machine gave raw platformatic a p99 of ' +
    '0.27-1.3 s against kafkajs 0.75-2.2 s in the same run. The peer keeps autocommit after every fetch, the ' +
    'policy the kafkajs peers use.',
  'The serde tables need no Kafka: they compare the cost of turning the event into bytes and back. ' +
    "Kafkit validates before encoding by default: avsc's compiled check on every value, zod only to " +
    'explain a value that fails it (`validate: false` skips both). It then writes and reads with a writer ' +
    "and a reader compiled per schema from avsc's types (held to avsc's bytes and values over every " +
    'fixture schema by a property test), writing each record straight into a pooled slab as ' +
    'Buffer.allocUnsafe does and reading it in place; every Avro encoder is checked to produce identical ' +
    'bytes before timing. Bytes per operation are the heap growth over a 200-operation burst after a full ' +
    "GC, so garbage counts too (buffer memory outside the heap, such as Node's and Kafkit's pools, does " +
    'not); the encoders of the async peers (csr, Confluent) also pay for a promise per call, and every ' +
    'decoder answers with a promise.',
  'Peers that cannot be installed on this machine are listed with the reason and not measured.',
  "The registry tables compare Kafkit's registry with Apicurio Registry 3.3.3 (fetched from Maven Central into " +
    '~/.cache/kafkit on first use, run on a Java 21+ JDK through its Confluent-compatible API under ' +
    '/apis/ccompat/v7, in-memory H2 storage, default JVM heap, access and audit logs off). Each registry runs in ' +
    'its own process, one after the other, with the same autocannon settings; the load generator shares the 2 ' +
    'cores. Each target row says whether it passes the issue #17 target (>= 3x Apicurio on GET by id, the repeat ' +
    "register and compatibility; >= 2x on a new register; RSS per 10,000 schemas <= 0.5x Apicurio's). Without " +
    'Java 21+ the peer is skipped with a line saying so (`--no-apicurio` skips it on purpose). On a machine ' +
    'whose load average (see the settings, or the merged-run line) is far above its core count, the JVM peer ' +
    'suffers much more than Node (tens of requests/s instead of thousands, slow start-up, few schemas ' +
    "registered within the time limits), so the registry ratios then overstate Kafkit's lead and the memory " +
    'rows compare different schema counts: rerun on a quiet machine before relying on them.',
]

/** What the register path costs, from a CPU profile (--cpu-prof) of the server and the step timers. */
const REGISTER_PATH = [
  'A register of a never-seen schema goes: HTTP and JSON body (fastify) -> pre-check (catch up with the log, ' +
    "then run the state machine's checks without applying) -> log append (memory: a copy; file: write + " +
    'fdatasync) -> apply in log order (checks again, stores the schema) -> answer. Measured with `node ' +
    '--cpu-prof` on the bench server under the new-register load, and step by step in the table above:',
  '- Parsing dominates the CPU work: the Avro parse with its validation, and above all the avsc compile ' +
    'backstop (avsc generates reader, writer, checker and skipper functions for every type it compiles), which ' +
    "was about 70% of a parse and about 20% of the server's busy time. The backstop now runs avsc's schema " +
    'checks without its code generation (the compiled functions of a type it throws away checked nothing more): ' +
    'a parse of the bench event went from about 410 to about 140 microseconds in a side-by-side run. JSON ' +
    'parsing and the canonical forms are cheap next to it. The compatibility check itself is tens of microseconds.',
  '- Before this change every new register parsed its schema twice (pre-check and apply), and every repeat ' +
    'register and compatibility test parsed again. Parses are now cached (a small LRU keyed by the text and ' +
    'the resolved references; parsing is pure and a parsed schema is never modified), so a new register ' +
    'parses once, and a repeat register or compatibility test of a known schema not at all.',
  "- A repeat register of a schema the subject already holds is answered from the state after the pre-check's " +
    'catch-up, without a log record (as Confluent does); before, it appended a record (and, on the file store, ' +
    'paid an fdatasync) only for apply to answer with the same id.',
  '- On the file store the fdatasync is the largest single cost of a write (see "write + fdatasync" in the ' +
    'table; it depends on the disk). Appends that arrive while one is in flight are now written and synced ' +
    'together (group commit), so concurrent writers share an fsync; the order of the log is unchanged and no ' +
    'write is acknowledged before its fsync.',
  '- What is left per request: the HTTP layer and its syscalls (socket reads and writes were about a sixth of ' +
    'the profile) and the garbage collector (about 8%).',
  '- Memory: a stored schema keeps its parsed form (the tree) for compatibility checks. Empty attribute maps ' +
    'are now shared by all nodes; the rarely read forms (plain JSON, normalized text, fingerprint) are computed ' +
    'on first use by getters made in a function of their own, so their closures hold only the text and the tree ' +
    '(made inside the parser, they kept its avsc types and name table alive for every stored schema: about 28 KB ' +
    'per stored bench schema); and a normalized text equal to the canonical one is the same string. A parsed ' +
    'bench schema now retains about 7 KB of heap (11.4 KB before the lazy forms; measured with `--expose-gc` over ' +
    '10,000 parses). RSS grows faster than the retained heap: V8 sizes its heap to the allocation rate while ' +
    'schemas are registered, and the memory store also keeps every log record.',
]

export interface MarkdownOptions {
  /** Path of the chart relative to the markdown file. */
  readonly chartPath: string
  /** Path of the results JSON relative to the markdown file. */
  readonly resultsPath: string
}

/** The whole of docs/benchmarks.md. */
export function renderMarkdown(results: BenchResults, options: MarkdownOptions): string {
  const out: string[] = []
  out.push('# Benchmarks')
  out.push('')
  out.push(
    '<!-- Generated by `npm run bench:report` from ' +
      `${options.resultsPath}; do not edit by hand: rerun \`npm run bench\` or \`npm run bench:report\`. -->`,
  )
  out.push('')
  out.push(
    'Kafkit measured against the clients people use today, on the same broker, with the same settings, ' +
      'in one run. Every figure is the median of the runs listed beside it, and also a ratio to a baseline ' +
      '(raw kafkajs with JSON for the Kafka figures; JSON and @kafkajs/confluent-schema-registry for the serde ' +
      'figures, as each table says).',
  )
  out.push('')
  out.push('## How to run')
  out.push('')
  out.push('```sh')
  out.push('npm ci')
  out.push(
    'npm run bench            # starts a 1-node Kafka with @kafkit/kafka-local, runs everything, redraws this page',
  )
  out.push('KAFKA_BROKERS=host:9092 npm run bench   # use an existing cluster instead')
  out.push('npm run bench -- --quick # a fast smoke run of the harness (results not written to docs/)')
  out.push('npm run bench:report     # redraw this page and the chart from docs/benchmarks/results.json')
  out.push(
    'npm run bench -- --only registry --merge   # one suite alone; replaces only its sections here (and says so)',
  )
  out.push('npm run bench -- --only registry --no-apicurio   # the registry suite without its peer')
  out.push('```')
  out.push('')
  out.push(
    'A run writes `bench-results/latest.json`; a full run also copies it to `docs/benchmarks/results.json` ' +
      'and regenerates this page and `docs/benchmarks/ratios.svg`. Benchmarks are not part of `npm test`.',
  )
  out.push('')
  out.push(`## Latest results (${results.mode} run, ${results.startedAt})`)
  out.push('')
  out.push(`![Ratios to the baseline of each benchmark](${options.chartPath})`)
  out.push('')
  out.push('### Machine')
  out.push('')
  for (const l of machineLines(results)) out.push(`- ${l}`)
  out.push('')
  out.push('### Settings (the same for every peer)')
  out.push('')
  for (const s of results.settings) out.push(`- ${s.name}: ${s.value}`)
  out.push('')
  out.push('### Peers')
  out.push('')
  out.push(
    markdownTable(
      ['peer', 'status', 'note'],
      results.peers.map((p) => [p.label, p.status, p.note]),
      false,
    ),
  )
  for (const section of results.sections) {
    out.push('')
    out.push(`### ${section.title}`)
    out.push('')
    out.push(`${section.description} ${section.higherIsBetter ? 'Higher' : 'Lower'} is better.`)
    out.push('')
    out.push(markdownTable(sectionHeader(section), sectionRows(section)))
  }
  if (results.sections.some((s) => s.id === 'registry-register-path')) {
    out.push('')
    out.push("## Where a register's time goes")
    out.push('')
    for (const line of REGISTER_PATH) out.push(line)
  }
  out.push('')
  out.push('## Reading these numbers')
  out.push('')
  for (const note of NOTES) out.push(`- ${note}`)
  out.push('')
  return out.join('\n')
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** Sections that have a charted baseline and at least one ratio against it. */
function chartedSections(results: BenchResults): Section[] {
  return results.sections.filter((s) => {
    const b = s.baselines[0]
    return b !== undefined && s.rows.some((r) => typeof r.ratios[b] === 'number')
  })
}

/** Ratios beyond 2^±CHART_OCTAVES are drawn clipped (with a marker); the label keeps the true value. */
const CHART_OCTAVES = 3

/**
 * Diverging bar chart of each row's ratio to its section's first baseline, one group per section, on a
 * log2 scale centred on 1x. Bars point right when the row beats the baseline and left when it does
 * worse, whichever direction "better" is for that metric, so every group reads the same way.
 */
export function renderSvg(results: BenchResults): string {
  const width = 860
  const labelWidth = 280
  const valueX = width - 70
  const barArea = valueX - labelWidth - 20
  const center = labelWidth + barArea / 2
  const unit = barArea / 2 / CHART_OCTAVES
  const barHeight = 18
  const gap = 6
  const parts: string[] = []
  let y = 44
  const ticks: string[] = []
  for (let k = -CHART_OCTAVES; k <= CHART_OCTAVES; k++) {
    const x = (center + k * unit).toFixed(1)
    const label = k >= 0 ? `${2 ** k}x` : `1/${2 ** -k}x`
    ticks.push(`<text x="${x}" y="${y}" class="tick">${label}</text>`)
  }
  parts.push(...ticks)
  parts.push(
    `<text x="${center - 10}" y="${y + 15}" class="tick-right">&#8592; worse than the baseline</text>`,
    `<text x="${center + 10}" y="${y + 15}" class="tick-left">better than the baseline &#8594;</text>`,
  )
  y += 40
  for (const section of chartedSections(results)) {
    const baseline = section.baselines[0]!
    const rows = section.rows.filter((r) => typeof r.ratios[baseline] === 'number')
    parts.push(
      `<text x="10" y="${y}" class="title">${xml(section.title)} (${xml(section.unit)}), ratio to ${xml(baseline)}; ${
        section.higherIsBetter ? 'higher' : 'lower'
      } is better</text>`,
    )
    y += 10
    const top = y
    const bottom = top + rows.length * (barHeight + gap) - gap
    // Grid first, so the bars are drawn over it.
    for (let k = -CHART_OCTAVES; k <= CHART_OCTAVES; k++) {
      if (k === 0) continue
      const gx = (center + k * unit).toFixed(1)
      parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${bottom + 4}" class="grid"/>`)
    }
    for (const row of rows) {
      const r = row.ratios[baseline] as number
      const octaves = Math.log2(r) * (section.higherIsBetter ? 1 : -1)
      const clipped = Math.abs(octaves) > CHART_OCTAVES
      const v = Math.max(-CHART_OCTAVES, Math.min(CHART_OCTAVES, octaves))
      const w = Math.abs(v) * unit
      const x = v >= 0 ? center : center - w
      const cls = row.label === baseline ? 'base' : /kafkit/i.test(row.label) ? 'kafkit' : 'peer'
      parts.push(`<text x="${labelWidth - 8}" y="${y + 13}" class="label">${xml(row.label)}</text>`)
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" class="${cls}"><title>${xml(
          `${row.label}: ${formatNumber(row.median)} ${section.unit} (${formatRatio(r)})`,
        )}</title></rect>`,
      )
      if (clipped) {
        const mx = v >= 0 ? center + w - 12 : center - w + 2
        parts.push(
          `<text x="${mx.toFixed(1)}" y="${y + 13}" class="clip">${v >= 0 ? '&#187;' : '&#171;'}</text>`,
        )
      }
      parts.push(`<text x="${valueX}" y="${y + 13}" class="value">${formatRatio(r)}</text>`)
      y += barHeight + gap
    }
    parts.push(
      `<line x1="${center.toFixed(1)}" y1="${top - 4}" x2="${center.toFixed(1)}" y2="${bottom + 4}" class="one"/>`,
    )
    y += 30
  }
  if (chartedSections(results).length === 0) {
    parts.push(`<text x="10" y="${y}" class="title">No ratios to draw: no baseline was measured.</text>`)
    y += 30
  }
  const height = y
  const caption = `Kafkit benchmarks, ${results.mode} run ${results.startedAt}: medians of ${
    results.sections[0]?.rows[0]?.runs.length ?? 0
  } runs; ${results.machine.cpuModel}, ${results.machine.cores} cores; log scale`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Kafkit benchmark ratios">`,
    '<style>text{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:12px;fill:#222}' +
      '.title{font-weight:600;font-size:13px}.label{text-anchor:end}.value{fill:#444}' +
      '.tick{text-anchor:middle;fill:#666;font-size:11px}.tick-left{fill:#666;font-size:11px}' +
      '.tick-right{text-anchor:end;fill:#666;font-size:11px}.clip{fill:#fff;font-weight:700}' +
      '.base{fill:#9e9e9e}.peer{fill:#5b8def}.kafkit{fill:#e8743b}' +
      '.grid{stroke:#ddd}.one{stroke:#333;stroke-dasharray:4 3}</style>',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" class="value">${xml(caption)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
