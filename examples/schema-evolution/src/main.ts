import { createConsumer, createProducer, createTopicAdmin, SchemaRefusedError } from '@kafkit/client'
import { checkSchemas, RegistryClient } from '@kafkit/registry'
import { type ExampleContext, renameTopic, waitFor } from 'kafkit-example-support'
import * as v1 from './generated/v1'
import * as v2 from './generated/v2'
import * as v3 from './generated/v3'

export interface SchemaEvolutionResult {
  readonly topic: string
  readonly subject: string
  /** Registered versions of the subject after the run: v1 and v2, never v3. */
  readonly versions: number[]
  /** What the v2 consumer read, in offset order: v1 records with v2's defaults filled in. */
  readonly readByV2: { value: v2.com_kafkit_evolution.UserProfile; writerSchemaId: number | undefined }[]
  /** Why the publish guard refused the v3 producer. */
  readonly guardRefusal: { code: string; reasons: string[] }
  /** What `kafkit registry check` (checkSchemas) said about v3 before any deploy. */
  readonly ciCheck: { status: string; messages: string[] }
}

/**
 * Schema evolution on one topic. A v1 producer writes profiles; a consumer built from v2 (two new
 * fields with defaults) reads them, Avro resolving old records into the new shape; a v2 producer
 * registers v2 as the subject's next version. v3 breaks BACKWARD compatibility: the publish guard
 * refuses it before a single record is written, and the CI check says the same.
 */
export async function main({
  brokers,
  registryUrl,
  runId,
  log,
}: ExampleContext): Promise<SchemaEvolutionResult> {
  const name = `profiles-${runId}`
  const topicV1 = renameTopic(v1.profilesTopic, name)
  const topicV2 = renameTopic(v2.profilesTopic, name)
  const topicV3 = renameTopic(v3.profilesTopic, name)
  const subject = topicV1.subjects.value!
  const admin = createTopicAdmin({ brokers, topics: [{ topic: name, partitions: 1 }] })
  await admin.ensureTopics()
  try {
    // An older deploy of the profile service, still on v1.
    const producerV1 = createProducer({ brokers, registry: registryUrl })
    try {
      await producerV1.sendBatch(topicV1, [
        { key: 'u-1', value: { userId: 'u-1', name: 'Ada', email: 'ada@example.com' } },
        { key: 'u-2', value: { userId: 'u-2', name: 'Alan', email: 'alan@example.com' } },
      ])
    } finally {
      await producerV1.disconnect()
    }
    log?.(`v1 producer: 2 profiles written, ${subject} version 1 registered`)

    // The new deploy, on v2: compatible, so the guard registers v2 as version 2.
    const producerV2 = createProducer({ brokers, registry: registryUrl })
    try {
      await producerV2.send(topicV2, {
        key: 'u-3',
        value: { userId: 'u-3', name: 'Grace', email: 'grace@example.com', country: 'US', tier: 'PRO' },
      })
    } finally {
      await producerV2.disconnect()
    }
    log?.('v2 producer: 1 profile written, version 2 registered')

    const readByV2: SchemaEvolutionResult['readByV2'] = []
    const consumer = createConsumer({
      brokers,
      registry: registryUrl,
      groupId: `profiles-v2-${runId}`,
      topics: [topicV2],
      fromBeginning: true,
    })
    try {
      await consumer.run({
        eachMessage: (m) => {
          // Typed as v2 whatever wrote it: `tier` is always there.
          readByV2.push({ value: m.value, writerSchemaId: m.valueSchemaId })
          log?.(
            `v2 consumer: ${m.value.userId} tier ${m.value.tier}, country ${m.value.country} (writer id ${m.valueSchemaId})`,
          )
        },
      })
      await waitFor('3 profiles', () => readByV2.length === 3, { failOn: [consumer.whenStopped()] })
    } finally {
      await consumer.stop()
    }

    // v3 reaches the producer: the guard asks the registry first and refuses, nothing is written.
    let guardRefusal: SchemaEvolutionResult['guardRefusal'] | undefined
    const producerV3 = createProducer({ brokers, registry: registryUrl })
    try {
      await producerV3.send(topicV3, {
        key: 'u-4',
        value: { userId: 4, name: 'Edsger', email: 'edsger@example.com', phone: '+31 20 000 0000' },
      })
    } catch (error) {
      if (!(error instanceof SchemaRefusedError)) throw error
      // Reasons are data ({ type, path, message, hint }); shown here as one line each.
      guardRefusal = {
        code: error.code,
        reasons: error.reasons.map((r) => `${r.type}${r.path ? ` at ${r.path}` : ''}: ${r.message}`),
      }
      log?.(`v3 producer refused: ${error.message}`)
    } finally {
      await producerV3.disconnect()
    }
    if (!guardRefusal) throw new Error('the v3 producer was not refused')

    // What `kafkit registry check schemas/v3/user-profile.avsc` runs in CI: read-only, registers nothing.
    const registry = new RegistryClient({ url: registryUrl })
    const [ci] = await checkSchemas(registry, [
      { subject, schema: JSON.stringify(topicV3.value.schema), source: 'schemas/v3/user-profile.avsc' },
    ])
    log?.(`registry check on v3: ${ci?.status}`)
    return {
      topic: name,
      subject,
      versions: await registry.listVersions(subject),
      readByV2,
      guardRefusal,
      ciCheck: { status: ci?.status ?? 'missing', messages: ci?.messages ?? [] },
    }
  } finally {
    await admin.deleteTopics().catch(() => {})
    await admin.disconnect()
  }
}
