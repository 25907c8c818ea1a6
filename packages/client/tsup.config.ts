import { defineConfig } from 'tsup'

export default defineConfig({
  // codegen-runtime: the one module generated code imports (see src/codegen-runtime.ts).
  entry: ['src/index.ts', 'src/codegen-runtime.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
})
