import { fixKafkajsRequestQueue } from '@kafkit/common'
import kafkajs from 'kafkajs'
// kafkajs 2.2.4 ships no types for its internals.
// @ts-expect-error untyped CommonJS module inside kafkajs (version pinned in package.json)
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js'

// kafkajs is CommonJS: under Node's ESM loader its values come from the default export.
const { Kafka, logLevel } = kafkajs
// No TimeoutNegativeWarning from kafkajs' idle request queue on Node 24+.
fixKafkajsRequestQueue(RequestQueue)

/**
 * Consumer-group lag on one topic: for each partition, the log end offset minus the group's
 * committed offset (or minus the log start when the group has committed nothing there yet).
 */
export async function groupLag(brokers: readonly string[], groupId: string, topic: string): Promise<number> {
  const admin = new Kafka({
    brokers: [...brokers],
    clientId: 'kafkit-demo-lag',
    logLevel: logLevel.NOTHING,
  }).admin()
  await admin.connect()
  try {
    const ends = await admin.fetchTopicOffsets(topic)
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
    let lag = 0
    for (const end of ends) {
      const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1'
      const from = Number(at) >= 0 ? Number(at) : Number(end.low)
      lag += Math.max(0, Number(end.high) - from)
    }
    return lag
  } finally {
    await admin.disconnect()
  }
}
