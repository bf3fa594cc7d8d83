import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from './src/vitest-config.mjs';

export default defineConfig(genmodTestConfig());
