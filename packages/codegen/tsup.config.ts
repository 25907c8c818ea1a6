import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // import.meta.url (config loading, finding the repository) must work in the CommonJS build too.
  shims: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
})
