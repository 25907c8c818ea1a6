import { createConsumer, createProducer, createTopicAdmin } from '@kafkit/client'
import { type ExampleContext, renameTopic } from 'kafkit-example-support'
import type { com_kafkit_quickstart } from './generated'
import { signupsTopic } from './generated'

export interface QuickstartResult {
  readonly topic: string
  /** Offsets the broker assigned to the records sent. */
  readonly sent: number
  readonly received: com_kafkit_quickstart.UserSignedUp[]
}

/**
 * The whole Kafkit loop: the generated `signupsTopic` descriptor types the key and the value, the
 * producer registers the schema and encodes Confluent Avro, a consumer group decodes it back.
 */
export async function main({ brokers, registryUrl, runId, log }: ExampleContext): Promise<QuickstartResult> {
  // One topic per run (`signups-<runId>`), so runs sharing a broker never see each other's records.
  const signups = renameTopic(signupsTopic, `signups-${runId}`)
  const admin = createTopicAdmin({ brokers, topics: [{ topic: signups, partitions: 3 }] })
  await admin.ensureTopics()
  log?.(`topic ${signups.name} ready (3 partitions)`)
  try {
    const producer = createProducer({ brokers, registry: registryUrl, topics: [signups] })
    let sent: number
    try {
      const metadata = await producer.sendBatch(signups.name, [
        {
          key: 'u-1',
          value: {
            userId: 'u-1',
            email: 'ada@example.com',
            plan: 'PRO',
            signedUpAt: new Date(1_700_000_000_000),
          },
        },
        {
          key: 'u-2',
          value: {
            userId: 'u-2',
            email: 'alan@example.com',
            plan: 'FREE',
            signedUpAt: new Date(1_700_000_060_000),
            referrer: 'newsletter',
          },
        },
      ])
      sent = metadata.length
      log?.(`sent ${sent} typed records (value schema id ${metadata[0]?.valueSchemaId})`)
    } finally {
      await producer.disconnect()
    }

    const consumer = createConsumer({
      brokers,
      registry: registryUrl,
      groupId: `quickstart-${runId}`,
      topics: [signups],
      fromBeginning: true,
    })
    const received: com_kafkit_quickstart.UserSignedUp[] = []
    const allReceived = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: (message) => {
          // message.value is a UserSignedUp: plan is 'FREE' | 'PRO' | 'TEAM', signedUpAt a Date.
          received.push(message.value)
          log?.(
            `received ${message.value.userId} (${message.value.plan}) from partition ${message.partition}`,
          )
          if (received.length === sent) resolve()
        },
      })
    })
    try {
      // whenStopped() rejects if the consumer fails, so a broken run ends instead of waiting forever.
      await Promise.race([allReceived, consumer.whenStopped()])
    } finally {
      await consumer.stop()
    }
    received.sort((a, b) => a.userId.localeCompare(b.userId))
    return { topic: signups.name, sent, received }
  } finally {
    await admin.deleteTopics().catch(() => {})
    await admin.disconnect()
  }
}
