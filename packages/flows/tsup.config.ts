import { defineConfig } from 'tsup';
import { genmodTsup } from '../../tooling/tsup.preset';

// Two entries: the package, and the `@genmod/flows/testing` subpath (checkBijector) for users' own bijectors.
export default defineConfig({ ...genmodTsup, entry: ['src/index.ts', 'src/testing.ts'] });
