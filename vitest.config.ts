import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const root = fileURLToPath(new URL('.', import.meta.url))

// Inside the repo every @kafkit/* import resolves to the package's TypeScript source: no build step.
const alias = [
  { find: /^@kafkit\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
  { find: /^@kafkit\/([a-z-]+)\/([a-z-]+)$/, replacement: `${root}packages/$1/src/$2.ts` },
  { find: /^kafkit$/, replacement: `${root}packages/cli/src/index.ts` },
]

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
          globalSetup: ['integration-tests/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // 2 cores and a shared broker: keep integration files from starving each other.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
})
