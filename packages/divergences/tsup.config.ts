import { defineConfig } from 'tsup';
import { genmodTsup } from '../../tooling/tsup.preset';

// The .d.ts must not import @genmod-internal/core (private, a devDependency): the contract types this
// package re-exports (Distribution, NormalLaw, Seed, …) are inlined by resolving core to its sources.
// (The shared preset inlines core's JavaScript but not its types; this override belongs there.)
export default defineConfig({
  ...genmodTsup,
  dts: { resolve: ['@genmod-internal/core'], compilerOptions: { baseUrl: '.', paths: { '@genmod-internal/core': ['../../tooling/core/src/index.ts'] } } },
});
