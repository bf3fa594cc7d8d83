import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

export default defineConfig(genmodTestConfig());
