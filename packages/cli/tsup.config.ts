import { defineConfig } from 'tsup'

export default defineConfig([
  // The library surface (createProgram) for both module systems.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // import.meta.url (config loading, finding the repository) must work in the CommonJS build too.
    shims: true,
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
  },
  // The binary's entry uses top-level await, so it is ESM only (bin/kafkit.js imports it).
  {
    entry: ['src/main.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
  },
])
