import { defineConfig } from 'vite';

// The golden cases import the JSON files of tooling/testing/golden (two levels up): let the dev server read them.
export default defineConfig({
  base: './',
  server: { fs: { allow: ['../..'] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  json: { stringify: true },
});
