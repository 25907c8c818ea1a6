import { defineConfig } from '@kafkit/codegen'

export default defineConfig({
  schemas: 'schemas',
  out: 'src/generated',
  // Node ESM (module: NodeNext) needs extensions on relative imports; bundlers take 'none'.
  importExtension: '.js',
  // Avro decimals as big.js Big values (exact, with arithmetic) instead of strings; the app installs big.js.
  logicalTypes: { decimal: 'big.js' },
  topics: {
    orders: { key: 'string', value: 'com.example.orders.OrderPlaced' },
    invoices: { key: 'string', value: 'com.example.billing.InvoiceIssued' },
  },
})
