import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/avro-schema.ts', 'src/avsc-compile.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
})
