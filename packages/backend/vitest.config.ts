import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { genmodTestConfig } from '@genmod-internal/testing/vitest';

const config = genmodTestConfig();
export default defineConfig({
  ...config,
  resolve: {
    alias: {
      '@genmod/backend/node': fileURLToPath(new URL('./src/node.ts', import.meta.url)),
      '@genmod/backend': fileURLToPath(new URL('./src/index.ts', import.meta.url)),
    },
  },
});
