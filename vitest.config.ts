import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('.', import.meta.url))

// Inside the repo every @kafkit/* import resolves to the package's TypeScript source: no build step.
const alias = [
  { find: /^@kafkit\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  // A subpath is src/<name>.ts or src/<name>/index.ts (the package's exports map says which).
  {
    find: /^@kafkit\/client\/(serdes|engine|console)$/,
    replacement: `${root}packages/client/src/$1/index.ts`,
  },
  { find: /^@kafkit\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
  { find: /^kafkit$/, replacement: `${root}packages/cli/src/index.ts` },
]

// Integration projects share one broker (global setup starts it once) and the same limits.
const integration = {
  globalSetup: ['integration-tests/global-setup.ts'],
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // 2 cores and a shared broker: keep integration files from starving each other.
  maxWorkers: 2,
}

// `integration` runs on the engine KAFKIT_ENGINE names (the default, platformatic, when unset); the second
// project on the other.
const mainEngine = process.env.KAFKIT_ENGINE === 'kafkajs' ? 'kafkajs' : 'platformatic'
const otherEngine = mainEngine === 'kafkajs' ? 'platformatic' : 'kafkajs'

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'integration-tests/unit/**/*.test.ts',
            'bench/test/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          // Projects with different maxWorkers need distinct groups: unit first, then integration.
          sequence: { groupOrder: 0 },
          typecheck: {
            enabled: true,
            include: ['packages/*/test/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: [
            'integration-tests/test/**/*.test.ts',
            'packages/*/test/**/*.int.test.ts',
            'examples/*/test/**/*.test.ts',
          ],
          ...integration,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The same client, group-helper, fault-drill and example tests again on the other engine (no
        // copies: factories given `brokers` build the engine KAFKIT_ENGINE names, and so do the CLI and
        // the group workers the drills spawn, which inherit it). Tests of the broker, the registry and
        // the CLI's own broker handling do not go through an engine and run once.
        resolve: { alias },
        test: {
          name: `integration:${otherEngine}`,
          include: [
            'integration-tests/test/client-*.test.ts',
            'integration-tests/test/helpers-*.test.ts',
            'integration-tests/test/roundtrip*.test.ts',
            'integration-tests/test/fault-cluster.test.ts',
            'examples/*/test/**/*.test.ts',
          ],
          env: { KAFKIT_ENGINE: otherEngine },
          ...integration,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
