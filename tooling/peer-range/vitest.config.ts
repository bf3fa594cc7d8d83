// Runs every package's golden suite against the packages' built dist and an OLD tfjs: @tensorflow/tfjs-core,
// -backend-cpu and -backend-wasm resolve to the version in src/tfjs.ts (OLDEST_TFJS, or GENMOD_PEER_TFJS to
// try another), installed from the npm registry into node_modules/.cache on first use.
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';
import { distRedirect } from './src/dist-redirect.js';
import { goldenTestFiles } from './src/golden-files.js';
import { ensureTfjs, OLDEST_TFJS, packageDir, repoRoot } from './src/tfjs.js';

const version = process.env.GENMOD_PEER_TFJS ?? OLDEST_TFJS;
const tfjs = join(ensureTfjs(version), 'node_modules', '@tensorflow');
const packages = join(repoRoot, 'packages');
const backend = process.env.GENMOD_TEST_BACKEND === 'wasm' ? 'wasm' : 'cpu';
const base = genmodTestConfig();
const names = ['adversarial', 'diffusion', 'divergences', 'flows', 'gumbel', 'reparam', 'vae'];

export default defineConfig({
  root: repoRoot,
  plugins: [distRedirect(packages)],
  resolve: {
    alias: [
      // the old tfjs, for the tests, the shared setup (backend + gradients) and the packages' dist alike
      ...['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm'].map((n) => ({
        find: new RegExp(`^@tensorflow/${n}(?=/|$)`),
        replacement: join(tfjs, n),
      })),
      // the built packages, as apps import them
      ...names.flatMap((n) => [
        { find: new RegExp(`^@genmod/${n}/testing$`), replacement: join(packages, n, 'dist', 'testing.js') },
        { find: new RegExp(`^@genmod/${n}$`), replacement: join(packages, n, 'dist', 'index.js') },
      ]),
    ],
  },
  test: {
    ...base.test,
    include: [...goldenTestFiles(repoRoot), 'tooling/peer-range/test/**/*.test.ts'],
    outputFile: { json: join(packageDir, backend === 'wasm' ? 'test-results.wasm.json' : 'test-results.json') },
    env: { GENMOD_PEER_TFJS_VERSION: version },
  },
});
