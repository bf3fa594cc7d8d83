import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

// The training tests are sized for the wasm backend (the cpu backend is ~10× slower on these small GRU steps):
// wasm unless GENMOD_TEST_BACKEND says otherwise.
process.env.GENMOD_TEST_BACKEND ??= 'wasm';

export default defineConfig(genmodTestConfig());
