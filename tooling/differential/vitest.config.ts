import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

// No aliases: the suite imports each package's built dist, as an app does.
export default defineConfig(genmodTestConfig());
