import { parseJsonText } from '@kafkit/common/avro-schema'
import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import { avscProblem } from '../src/schema/avsc-check'

const record = (fields: unknown[]) => parseJsonText(JSON.stringify({ type: 'record', name: 'A', fields }))

function avscStillCompiles(): void {
  const type = avsc.Type.forSchema({
    type: 'record',
    name: 'Probe',
    fields: [
      { name: 'n', type: 'int' },
      { name: 'u', type: ['null', 'string'] },
    ],
  })
  const value = { n: 7, u: 'x' }
  expect(type.fromBuffer(type.toBuffer(value))).toEqual(value)
  expect(type.isValid({ n: 'no', u: null })).toBe(false)
}

describe('avsc backstop (schema validation without avsc code generation)', () => {
  it('accepts what avsc compiles, unions and nested records included', () => {
    expect(
      avscProblem(
        record([
          { name: 'id', type: 'long' },
          { name: 'tag', type: ['null', 'string'] },
          { name: 'inner', type: { type: 'record', name: 'B', fields: [{ name: 'x', type: 'int' }] } },
          { name: 'list', type: { type: 'array', items: 'B' } },
        ]),
        {},
      ),
    ).toBeUndefined()
  })

  it("reports avsc's complaint for a schema it cannot compile", () => {
    expect(avscProblem(record([{ name: 'x', type: 'NoSuchType' }]), {})).toMatch(/NoSuchType/)
    expect(
      avscProblem(
        record([
          { name: 'x', type: 'int' },
          { name: 'x', type: 'string' },
        ]),
        {},
      ),
    ).toMatch(/duplicate/)
  })

  it('leaves avsc compiling normally afterwards, also after a failure', () => {
    avscProblem(record([{ name: 'x', type: 'int' }]), {})
    avscStillCompiles()
    avscProblem(record([{ name: 'x', type: 'NoSuchType' }]), {})
    avscStillCompiles()
  })
})
