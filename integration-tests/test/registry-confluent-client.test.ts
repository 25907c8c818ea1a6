import { randomUUID } from 'node:crypto'
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { type RunningRegistry, startRegistry } from '@kafkit/registry'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'

const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example.it',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
}
const userV2 = {
  ...userV1,
  fields: [...userV1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}

describe('@kafkajs/confluent-schema-registry 3.9.0 against kafkit registry (Kafka store)', () => {
  let server: RunningRegistry
  let registry: SchemaRegistry

  beforeAll(async () => {
    server = await startRegistry({
      port: 0,
      store: { type: 'kafka', brokers: inject('kafkaBrokers'), topic: uniq('_schemas-confluent') },
      auth: { users: [{ username: 'app', password: 'secret', role: 'read-write' }] },
    })
    registry = new SchemaRegistry({ host: server.url, auth: { username: 'app', password: 'secret' } })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('registers, encodes, decodes and finds the latest schema id', async () => {
    const subject = uniq('users-value')
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(userV1) },
      { subject },
    )
    expect(await registry.getLatestSchemaId(subject)).toBe(id)
    const encoded = await registry.encode(id, { id: 42, name: 'Ada' })
    expect(encoded[0]).toBe(0)
    expect(encoded.readInt32BE(1)).toBe(id)
    expect(await registry.decode(encoded)).toEqual({ id: 42, name: 'Ada' })

    // Evolve; old bytes still decode with their writer schema, fetched by id.
    const { id: id2 } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(userV2) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    )
    expect(id2).not.toBe(id)
    expect(await registry.getLatestSchemaId(subject)).toBe(id2)
    const encoded2 = await registry.encode(id2, { id: 7, name: 'Bob', email: 'b@example.com' })
    expect(await registry.decode(encoded2)).toEqual({ id: 7, name: 'Bob', email: 'b@example.com' })
    expect(await registry.decode(encoded)).toEqual({ id: 42, name: 'Ada' })
    expect(await registry.getRegistryId(subject, 1)).toBe(id)
    expect(
      await registry.getRegistryIdBySchema(subject, {
        type: SchemaType.AVRO,
        schema: JSON.stringify(userV2),
      }),
    ).toBe(id2)
  })

  it('surfaces our 40901 as the client error for an incompatible schema', async () => {
    const subject = uniq('strict-value')
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(userV1) }, { subject })
    const breaking = { ...userV1, fields: [...userV1.fields, { name: 'age', type: 'int' }] }
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }),
    ).rejects.toThrow(/incompatible/i)
  })

  it('handles schema references', async () => {
    const addressSubject = uniq('address')
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'com.example.it',
      fields: [{ name: 'city', type: 'string' }],
    }
    await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(address) },
      { subject: addressSubject },
    )
    const customer = {
      type: 'record',
      name: 'Customer',
      namespace: 'com.example.it',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'home', type: 'com.example.it.Address' },
      ],
    }
    const { id } = await registry.register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify(customer),
        references: [{ name: 'com.example.it.Address', subject: addressSubject, version: 1 }],
      },
      { subject: uniq('customer-value') },
    )
    const value = { name: 'Ada', home: { city: 'London' } }
    expect(await registry.decode(await registry.encode(id, value))).toEqual(value)
  })
})
