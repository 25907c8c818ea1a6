import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type LogRecord, type RegistryCommand, RegistryState } from '../src/index'

const SUBJECTS = ['a', 'b', 'c']
// Records that are all BACKWARD compatible with each other in some orders and not in others.
const SCHEMAS = [
  { type: 'record', name: 'T', fields: [{ name: 'x', type: 'int' }] },
  {
    type: 'record',
    name: 'T',
    fields: [
      { name: 'x', type: 'int' },
      { name: 'y', type: 'int', default: 1 },
    ],
  },
  { type: 'record', name: 'T', fields: [{ name: 'y', type: 'int' }] },
  { type: 'record', name: 'T', fields: [{ name: 'x', type: 'long' }] },
  { type: 'enum', name: 'E', symbols: ['A', 'B'] },
].map((s) => JSON.stringify(s))

const command: fc.Arbitrary<RegistryCommand> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('register' as const),
      subject: fc.constantFrom(...SUBJECTS),
      schema: fc.constantFrom(...SCHEMAS),
      schemaType: fc.constant('AVRO'),
      references: fc.constant([]),
      normalize: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('deleteVersion' as const),
      subject: fc.constantFrom(...SUBJECTS),
      version: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant('latest' as const)),
      permanent: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deleteSubject' as const),
      subject: fc.constantFrom(...SUBJECTS),
      permanent: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('setConfig' as const),
      subject: fc.constantFrom(null, ...SUBJECTS),
      compatibility: fc.constantFrom('NONE', 'BACKWARD', 'FORWARD_TRANSITIVE', 'FULL' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('setMode' as const),
      subject: fc.constantFrom(null, ...SUBJECTS),
      mode: fc.constantFrom('READWRITE', 'READONLY' as const),
      force: fc.constant(false),
    }),
  },
)

interface Snap {
  schemas: Array<{ id: number; schema: string }>
  subjects: Array<[string, Array<{ version: number; id: number; deleted: boolean }>]>
}

describe('RegistryState (pure state machine)', () => {
  it('is deterministic: replaying a log gives the same answers and the same state', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const records: LogRecord[] = commands.map((c, i) => ({ proposalId: `p${i}`, command: c }))
        const a = new RegistryState()
        const b = new RegistryState()
        const answersA = records.map((r) => a.apply(r))
        const answersB = records.map((r) => b.apply(r))
        const simplify = (x: (typeof answersA)[number]) => (x.ok ? x.value : x.error.errorCode)
        expect(answersB.map(simplify)).toEqual(answersA.map(simplify))
        expect(b.snapshot()).toEqual(a.snapshot())
      }),
      { numRuns: 150 },
    )
  })

  it('plan() refuses exactly what apply() refuses, and changes nothing', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const state = new RegistryState()
        for (const [i, c] of commands.entries()) {
          const before = JSON.stringify(state.snapshot())
          let refused: number | undefined
          let plan: ReturnType<RegistryState['plan']> | undefined
          try {
            plan = state.plan(c)
          } catch (error) {
            refused = (error as { errorCode: number }).errorCode
          }
          expect(JSON.stringify(state.snapshot())).toBe(before)
          const result = state.apply({ proposalId: `p${i}`, command: c })
          expect(result.ok ? undefined : result.error.errorCode).toBe(refused)
          // A plan that changes nothing answers as apply does, and apply then changes nothing either.
          if (plan?.op === 'unchanged') {
            expect(result.ok && result.value).toEqual(plan.answer)
            const { proposals: _p, ...after } = state.snapshot() as { proposals: number }
            const { proposals: _q, ...was } = JSON.parse(before) as { proposals: number }
            expect(after).toEqual(was)
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it('keeps ids unique per schema, versions increasing, and never answers with a 5xx code', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
        const state = new RegistryState()
        for (const [i, c] of commands.entries()) {
          const result = state.apply({ proposalId: `p${i}`, command: c })
          if (!result.ok) expect(result.error.errorCode).toBeLessThan(50000)
          const snap = state.snapshot() as Snap
          const textById = new Map(snap.schemas.map((s) => [s.id, s.schema]))
          expect(new Set(snap.schemas.map((s) => s.schema)).size).toBe(snap.schemas.length)
          for (const [, versions] of snap.subjects) {
            const numbers = versions.map((v) => v.version)
            expect(numbers).toEqual([...numbers].sort((x, y) => x - y))
            expect(new Set(numbers).size).toBe(numbers.length)
            for (const v of versions) expect(textById.has(v.id)).toBe(true)
          }
          // An id is readable exactly while some version (soft-deleted included) holds it.
          for (const { id } of snap.schemas) {
            let readable = true
            try {
              state.getSchemaById(id)
            } catch {
              readable = false
            }
            expect(readable).toBe(state.versionsOfId(id, true).length > 0)
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  it('numbers versions after soft and hard deletes the way Confluent does', () => {
    const state = new RegistryState()
    let n = 0
    const run = (command: RegistryCommand) => state.apply({ proposalId: `p${n++}`, command })
    const reg = (schema: string) =>
      run({ op: 'register', subject: 's', schema, schemaType: 'AVRO', references: [], normalize: false })
    run({ op: 'setConfig', subject: 's', compatibility: 'NONE' })
    reg(SCHEMAS[0] as string)
    reg(SCHEMAS[2] as string)
    run({ op: 'deleteVersion', subject: 's', version: 2, permanent: false })
    reg(SCHEMAS[3] as string)
    expect(state.listVersions('s', true)).toEqual([1, 2, 3])
    // hard-deleting the highest version frees its number
    run({ op: 'deleteVersion', subject: 's', version: 3, permanent: false })
    run({ op: 'deleteVersion', subject: 's', version: 3, permanent: true })
    reg(SCHEMAS[4] as string)
    expect(state.listVersions('s', true)).toEqual([1, 2, 3])
    expect(state.getVersion('s', 3).schema).toBe(SCHEMAS[4])
  })
})

describe('RegistryState applies each log offset and each proposal once', () => {
  const example: LogRecord[] = [
    {
      proposalId: 'p0',
      command: {
        op: 'register',
        subject: 's',
        schema: SCHEMAS[0] as string,
        schemaType: 'AVRO',
        references: [],
        normalize: false,
      },
    },
    { proposalId: 'p1', command: { op: 'deleteSubject', subject: 's', permanent: false } },
    {
      proposalId: 'p2',
      command: {
        op: 'register',
        subject: 's',
        schema: SCHEMAS[0] as string,
        schemaType: 'AVRO',
        references: [],
        normalize: false,
      },
    },
  ]

  it('ignores a redelivered log (register A, delete subject, register A, all delivered again from 0)', () => {
    const state = new RegistryState()
    for (const [offset, r] of example.entries()) state.applyAt(offset, r)
    const once = state.snapshot()
    expect(state.listVersions('s', true)).toEqual([1, 2])
    expect(state.nextOffset).toBe(3)
    // What a consumer that rejoins and starts over at offset 0 delivers.
    expect(example.map((r, offset) => state.applyAt(offset, r))).toEqual([undefined, undefined, undefined])
    expect(state.snapshot()).toEqual(once)
    expect(state.listVersions('s')).toEqual([2])
  })

  it('applies a proposal id once, wherever its copies land, and answers each copy with the first result', () => {
    fc.assert(
      fc.property(
        fc.array(command, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (commands, dupes) => {
          const records: LogRecord[] = commands.map((c, i) => ({ proposalId: `p${i}`, command: c }))
          // A log with extra copies of some proposals (a retried append), each after its original.
          const withCopies = [...records]
          for (const d of dupes) {
            const copy = records[d % records.length] as LogRecord
            const first = withCopies.indexOf(copy)
            const at = first + 1 + (d % (withCopies.length - first))
            withCopies.splice(at, 0, copy)
          }
          const plain = new RegistryState()
          const answers = new Map(records.map((r) => [r.proposalId, plain.apply(r)]))
          const copied = new RegistryState()
          withCopies.forEach((r, offset) => {
            const result = copied.applyAt(offset, r)
            const first = answers.get(r.proposalId)
            const simplify = (x: typeof first) => (x === undefined ? x : x.ok ? x.value : x.error.errorCode)
            expect(simplify(result)).toEqual(simplify(first))
          })
          expect(copied.snapshot()).toEqual(plain.snapshot())
        },
      ),
      { numRuns: 150 },
    )
  })

  it('keeps the next offset across gaps and never goes back', () => {
    const state = new RegistryState()
    expect(state.applyAt(5, example[0] as LogRecord)?.ok).toBe(true)
    expect(state.nextOffset).toBe(6)
    expect(state.applyAt(3, example[1] as LogRecord)).toBeUndefined()
    expect(state.listVersions('s')).toEqual([1])
    expect(state.applyAt(9, example[1] as LogRecord)?.ok).toBe(true)
    expect(state.nextOffset).toBe(10)
  })
})
