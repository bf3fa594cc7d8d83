import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

// No aliases: the workloads import each package's built dist, as `npm run bench` does.
export default defineConfig(genmodTestConfig());
