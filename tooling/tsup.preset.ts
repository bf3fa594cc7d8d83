// The build every @genmod package shares: ESM + CJS + .d.ts, tfjs-core left to the app (peer), the
// internal helpers bundled in so that a published package depends on tfjs-core alone.
// (Plain object, no import of tsup's types: this file sits outside any package that depends on tsup.)
export const genmodTsup = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2020' as const,
  external: ['@tensorflow/tfjs-core'],
  noExternal: ['@genmod-internal/core'],
};
