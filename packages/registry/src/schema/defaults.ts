import { isJsonObject, JsonNumber, type JsonValue, javaDouble, javaFloat } from '@kafkit/common/avro-schema'
import type { AvroNode } from './types'

/**
 * A default as Confluent's normalize writes it: the value read with the field's schema and written back, so an
 * integer literal in a double field becomes 1.0, a float is rounded to float precision, unions use the first branch.
 */
export function normalizeDefault(node: AvroNode, value: JsonValue): JsonValue {
  switch (node.kind) {
    case 'primitive':
      if (value instanceof JsonNumber) {
        if (node.type === 'int' || node.type === 'long') return new JsonNumber(BigInt(value.raw).toString())
        const text = node.type === 'float' ? javaFloat(value.value) : javaDouble(value.value)
        if (node.type === 'float' || node.type === 'double') {
          return /^-?[\d.]+(E-?\d+)?$/.test(text) ? new JsonNumber(text) : text
        }
      }
      return value
    case 'array':
      return Array.isArray(value) ? value.map((v) => normalizeDefault(node.items, v)) : value
    case 'map':
      if (!isJsonObject(value)) return value
      return new Map([...value].map(([k, v]) => [k, normalizeDefault(node.values, v)]))
    case 'union':
      return normalizeDefault(node.branches[0]!, value)
    case 'record': {
      if (!isJsonObject(value)) return value
      return new Map(
        [...value].map(([k, v]) => {
          const f = node.fields.find((x) => x.name === k)
          return [k, f ? normalizeDefault(f.type, v) : v]
        }),
      )
    }
    default:
      return value
  }
}
