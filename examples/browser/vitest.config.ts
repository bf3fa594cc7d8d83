import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

// the browser test runs golden cases on software WebGPU and WebGL (SwiftShader): minutes on a loaded machine
const base = genmodTestConfig({ testTimeout: 300_000 });

// The Node tests switch between cpu and wasm inside one run (test/golden-node.test.ts runs every golden case
// on both): GENMOD_TEST_BACKEND=wasm makes the shared setup register wasm beside cpu (and start on wasm).
export default defineConfig({
  ...base,
  test: { ...base.test, env: { GENMOD_TEST_BACKEND: 'wasm' }, hookTimeout: 300_000 },
});
