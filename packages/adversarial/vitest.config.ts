import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

const config = genmodTestConfig();
export default defineConfig({
  ...config,
  resolve: {
    alias: {
      '@genmod/adversarial/testing': fileURLToPath(new URL('./src/testing.ts', import.meta.url)),
      '@genmod/adversarial': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
});
