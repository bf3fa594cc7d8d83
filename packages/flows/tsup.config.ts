import { defineConfig } from 'tsup';
import { genmodTsup } from '../../tooling/tsup.preset';

// Two entries: the package, and the `@genmod/flows/testing` subpath (checkBijector) for users' own bijectors.
// The .d.ts inlines the types it uses from @genmod-internal/core (the contract types it re-exports), so the
// published declarations name no private package (the preset's `dts: true` left that import in).
export default defineConfig({ ...genmodTsup, entry: ['src/index.ts', 'src/testing.ts'], dts: { resolve: true, compilerOptions: { paths: { '@genmod-internal/core': ['../../tooling/core/src/index.ts'] } } } });
