import { defineConfig } from 'tsup';
import { genmodTsup } from '../../tooling/tsup.preset';

// Two entries: the browser-safe API, and `@genmod/backend/node` (node:fs, process.argv) kept out of browser
// bundles. Splitting shares one copy of the module state (installed gradients) between the two, in CJS too.
export default defineConfig({ ...genmodTsup, entry: ['src/index.ts', 'src/node.ts'], splitting: true });
