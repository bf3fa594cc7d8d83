// Plain JavaScript: vitest loads config files (and what they import from linked packages) without a TS transform.
import { fileURLToPath } from 'node:url';

/** The absolute path of the shared setup file, for a package's `vitest.config.ts`. */
export const setupFile = fileURLToPath(new URL('./setup.ts', import.meta.url));

/**
 * The vitest options every package uses: the shared setup (backend + gradients), the node environment and a
 * JSON report that `scripts/test.mjs` adds up into the closing `N passed, N failed` line.
 * @param {{ testTimeout?: number }} [extra]
 */
export function genmodTestConfig(extra = {}) {
  return {
    test: {
      environment: 'node',
      setupFiles: [setupFile],
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      // one report per backend: scripts/test.mjs adds up every test-results*.json
      outputFile: { json: process.env.GENMOD_TEST_BACKEND === 'wasm' ? 'test-results.wasm.json' : 'test-results.json' },
      testTimeout: extra.testTimeout ?? 60_000,
      pool: 'forks',
      // one module graph per worker: tfjs and its backends load once per worker, not once per test file
      // (the per-file setup dominated the runs). Tests measure tensor counts as deltas, so a shared engine is safe.
      isolate: false,
    },
  };
}
