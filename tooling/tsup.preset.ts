// The build every @genmod package shares: ESM + CJS + .d.ts, tfjs-core left to the app (peer), the
// internal helpers bundled in so that a published package depends on tfjs-core alone.
// (Plain object, no import of tsup's types: this file sits outside any package that depends on tsup.)
export const genmodTsup = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  // The contract types live in the private core: the .d.ts build reads core from its source (a path outside
  // node_modules), so rollup-plugin-dts inlines them and a published .d.ts names no private package.
  dts: { compilerOptions: { paths: { '@genmod-internal/core': ['../../tooling/core/src/index.ts'] } } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2020' as const,
  external: ['@tensorflow/tfjs-core'],
  noExternal: ['@genmod-internal/core'],
};
