import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

// The example runs on wasm (its default backend in Node) unless GENMOD_TEST_BACKEND says otherwise.
process.env.GENMOD_TEST_BACKEND ??= 'wasm';
export default defineConfig(genmodTestConfig());
