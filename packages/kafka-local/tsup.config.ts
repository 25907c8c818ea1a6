import { defineConfig } from 'tsup'

export default defineConfig({
  // cli-state: the kafkit CLI's bookkeeping of the cluster `kafka up` started (see src/cli-state.ts).
  entry: ['src/index.ts', 'src/cli-state.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
})
