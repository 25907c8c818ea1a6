import {
  createGroupConsumer,
  createProducer,
  createTopicAdmin,
  FatalError,
  fromConsole,
} from '@kafkit/client'
import Big from 'big.js'
import { brokers, groupId, invoices, orders, registry, seedOrders } from './config.js'

// Libraries never print: give Kafkit a logger to see what it does (pino works as is).
const logger = fromConsole(console)

// Creates missing topics (raises partitions, reports drift), then closes its connection by itself.
await createTopicAdmin({
  brokers,
  topics: [
    { topic: orders, partitions: 3 },
    { topic: invoices, partitions: 3 },
  ],
}).ensureTopics()

const producer = createProducer({ brokers, registry, topics: [orders, invoices] })

for (let i = 1; i <= seedOrders; i++) {
  // Every 100th order is from a blocked customer: billing refuses it and it lands on the dead-letter topic.
  const customerId = i % 100 === 0 ? `blocked-${i}` : `c-${i % 17}`
  await producer.send(orders, {
    key: `o-${i}`,
    value: { orderId: `o-${i}`, customerId, total: new Big(i).plus('0.99'), placedAt: new Date() },
  })
}

let invoiced = 0
const billing = createGroupConsumer({
  brokers,
  registry,
  groupId,
  topics: [orders],
  fromBeginning: true,
  concurrency: 8, // per partition; records with the same key never overlap
  retry: { attempts: 3, backoff: { initialMs: 100 } }, // in place, for errors that may pass
  deadLetter: true, // then `<topic>-dlt`, with the error in its headers
  handleSignals: true, // SIGTERM/SIGINT: drain, commit, leave the group; a second signal exits at once
  logger,
})

await billing.run({
  eachMessage: async ({ key, value }) => {
    if (value.customerId.startsWith('blocked-')) {
      throw new FatalError(`customer ${value.customerId} is blocked`) // no retry: straight to the DLT
    }
    // Decimals are big.js values: exact arithmetic, rounded to the schema's scale (2) before sending.
    const amount = value.total.times('1.2').round(2)
    await producer.send(invoices, {
      key,
      value: { invoiceId: `inv-${value.orderId}`, orderId: value.orderId, amount },
    })
    if (++invoiced % 100 === 0) console.log(`invoiced ${invoiced}`)
  },
})
console.log(`billing is running (group ${groupId})`)

// Resolves once a signal's drain finished; close the producer and the process exits by itself.
const report = await billing.whenStopped()
await producer.disconnect()
console.log(`stopped: invoiced ${invoiced}, drain clean: ${report.clean}`)
