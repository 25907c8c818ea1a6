/**
 * The demo's Avro schemas, as data: `kafkit demo` writes them to a scratch folder and runs codegen
 * on them; `generated/` holds that output (committed, and compared with a fresh run by the CLI test).
 */

export const DEMO_TOPIC = 'demo-orders'

export const orderPlacedV1 = {
  type: 'record',
  name: 'OrderPlaced',
  namespace: 'com.kafkit.demo',
  doc: 'An order was placed in the shop.',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'amount', type: 'double' },
    {
      name: 'status',
      type: { type: 'enum', name: 'OrderStatus', symbols: ['PLACED', 'PAID', 'SHIPPED'] },
      default: 'PLACED',
    },
    { name: 'placedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
} as const

/**
 * A change a careless producer might ship: `amount` becomes a string and `currency` is required
 * without a default. Under BACKWARD compatibility a consumer on this schema cannot read the
 * records already on the topic, so the registry refuses it.
 */
export const orderPlacedIncompatible = {
  ...orderPlacedV1,
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'customerId', type: 'string' },
    { name: 'amount', type: 'string' },
    { name: 'currency', type: 'string' },
    { name: 'placedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
} as const

/** The kafkit config the demo runs codegen with. */
export const demoConfig = {
  schemas: 'schemas',
  out: 'generated',
  // Pinned: the default follows the nearest tsconfig.json, and the scratch folder may lie inside any project.
  importExtension: 'none',
  topics: { [DEMO_TOPIC]: { key: 'string', value: 'com.kafkit.demo.OrderPlaced' } },
}
