import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2020',
  external: ['@tensorflow/tfjs-core'],
  // internal helpers are bundled in: the published package depends on tfjs-core (peer) alone
  noExternal: ['@genmod-internal/core'],
});
