import type { TopicDescriptor } from '@kafkit/client'
import { z } from 'zod'
import { invoicesTopic, ordersTopic } from './generated/index.js'

// The app's own zod (3 here): Kafkit's generated code brings its own, so the two never meet.
const env = z
  .object({
    KAFKA_BROKERS: z.string().min(1).default('localhost:9092'),
    REGISTRY_URL: z.string().url().default('http://localhost:8081'),
    GROUP_ID: z.string().min(1).default('billing'),
    /** Orders to place at start-up (a demo producer); 0 places none. */
    SEED_ORDERS: z.coerce.number().int().min(0).default(0),
    /** Appended to topic and group names, so test runs never share them; empty in production. */
    TOPIC_SUFFIX: z.string().default(''),
  })
  .parse(process.env)

const suffixed = <T extends TopicDescriptor>(t: T): T => {
  const name = `${t.name}${env.TOPIC_SUFFIX}`
  return { ...t, name, subjects: { key: undefined, value: `${name}-value` } }
}

export const brokers = env.KAFKA_BROKERS.split(',')
export const registry = env.REGISTRY_URL
export const groupId = `${env.GROUP_ID}${env.TOPIC_SUFFIX}`
export const seedOrders = env.SEED_ORDERS
export const orders = suffixed(ordersTopic)
export const invoices = suffixed(invoicesTopic)
