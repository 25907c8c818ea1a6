import { defineConfig } from 'tsup'

export default defineConfig({
  // One entry per subpath in package.json's exports (see src/index.ts); codegen-runtime is the one
  // module generated code imports (see src/codegen-runtime.ts).
  entry: [
    'src/index.ts',
    'src/serdes/index.ts',
    'src/engine/index.ts',
    'src/building-blocks.ts',
    'src/console/index.ts',
    'src/codegen-runtime.ts',
  ],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
})
