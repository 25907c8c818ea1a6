import type { KafkitConfig } from '@kafkit/codegen'

// `npm run codegen -w examples/quickstart` turns the schemas into src/generated (committed).
// A type-only import keeps this file loadable without building @kafkit/codegen first.
export default {
  schemas: 'schemas',
  out: 'src/generated',
  topics: {
    signups: { key: 'string', value: 'com.kafkit.quickstart.UserSignedUp' },
  },
} satisfies KafkitConfig
