// Runs every package's golden suite (and the tests of the tfjs fixes, src/golden-files.ts) against the packages' built dist and an OLD tfjs: @tensorflow/tfjs-core,
// -backend-cpu and -backend-wasm resolve to the version in src/tfjs.ts (OLDEST_TFJS, or GENMOD_PEER_TFJS to
// try another), installed from the npm registry into node_modules/.cache on first use.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';
import { distRedirect } from './src/dist-redirect.js';
import { peerRangeTestFiles } from './src/golden-files.js';
import { ensureTfjs, OLDEST_TFJS, packageDir, repoRoot } from './src/tfjs.js';

const version = process.env.GENMOD_PEER_TFJS ?? OLDEST_TFJS;
const tfjs = join(ensureTfjs(version), 'node_modules', '@tensorflow');
const packages = join(repoRoot, 'packages');
const backend = process.env.GENMOD_TEST_BACKEND === 'wasm' ? 'wasm' : 'cpu';
const base = genmodTestConfig();
// every published package, as apps import them: @genmod/<name>[/<subpath>] → packages/<name>/dist/<index|subpath>.js
const names = readdirSync(packages).filter((n) => existsSync(join(packages, n, 'package.json')));

export default defineConfig({
  root: repoRoot,
  cacheDir: join(packageDir, 'node_modules', '.vite'),
  plugins: [distRedirect(packages)],
  resolve: {
    alias: [
      // the old tfjs, for the tests, the shared setup (backend + gradients) and the packages' dist alike
      ...['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm'].map((n) => ({
        find: new RegExp(`^@tensorflow/${n}(?=/|$)`),
        replacement: join(tfjs, n),
      })),
      // a test that imports the umbrella gets the old tfjs-core it re-exports (the setup file brings the backend
      // and the gradients the umbrella would register), not the workspace's 4.22 layers, converter and backends
      { find: /^@tensorflow\/tfjs$/, replacement: join(tfjs, 'tfjs-core') },
      // the built packages, as apps import them
      ...names.flatMap((n) => [
        { find: new RegExp(`^@genmod/${n}/([\\w-]+)$`), replacement: `${join(packages, n, 'dist')}/$1.js` },
        { find: new RegExp(`^@genmod/${n}$`), replacement: join(packages, n, 'dist', 'index.js') },
      ]),
    ],
  },
  test: {
    ...base.test,
    include: [...peerRangeTestFiles(repoRoot), 'tooling/peer-range/test/**/*.test.ts', ...(process.env.PEER_RANGE_EXTRA?.split(',') ?? [])],
    outputFile: { json: join(packageDir, backend === 'wasm' ? 'test-results.wasm.json' : 'test-results.json') },
    env: { GENMOD_PEER_TFJS_VERSION: version },
  },
});
