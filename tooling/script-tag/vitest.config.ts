import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

// No tfjs in Node here: the examples run in Chromium. The shared setup (a cpu backend in Node) is left out.
const base = genmodTestConfig({ testTimeout: 180_000 });
export default defineConfig({ ...base, test: { ...base.test, setupFiles: [], hookTimeout: 120_000 } });
