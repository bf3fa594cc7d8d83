/**
 * @genmod/backend's fused Adam on WebGL and WebGPU in headless Chromium (the cpu and wasm kernels are tested in
 * packages/backend in Node): src/fused-adam-check.ts is bundled on its own with Vite, served, and run in a page;
 * after 1,000 steps of a small MLP the parameters and both moments equal tf.train.adam's to float32 rounding, one
 * optimizer step runs one kernel per variable, issues fewer GPU dispatches than tf.train.adam, and keeps the
 * tensor count flat.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, exampleDir, launch, outDir, serve } from './harness.js';
import type { FusedAdamCheck } from '../src/fused-adam-check.js';

const CI = ['true', '1'].includes(String(process.env.CI).toLowerCase()) && process.env.GENMOD_BROWSER_TESTS !== 'skip';
const haveChromium = existsSync(chromiumPath);
const STEPS = 1000;
const dir = join(outDir, 'fused-adam');

describe.skipIf(!haveChromium && !CI)('fused Adam in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  let page: Page;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${chromiumPath}: CI=true requires the browser test (apt-get install -y chromium)`);
    mkdirSync(dir, { recursive: true });
    await build({
      root: exampleDir,
      configFile: false,
      logLevel: 'warn',
      build: {
        outDir: dir,
        emptyOutDir: true,
        target: 'es2022',
        reportCompressedSize: false,
        chunkSizeWarningLimit: 8192,
        lib: { entry: join(exampleDir, 'src', 'fused-adam-check.ts'), formats: ['es'], fileName: () => 'fused-adam-check.js' },
      },
    });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>fused Adam</title><script type="module" src="./fused-adam-check.js"></script>\n');
    server = await serve(dir);
    browser = await launch();
    page = await browser.context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as { genmodFusedAdam?: unknown }).genmodFusedAdam !== undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const run = (backend: 'webgl' | 'webgpu', gradients: 'model' | 'cycle') =>
    page.evaluate(
      ([b, steps, g]) => (globalThis as unknown as { genmodFusedAdam: { runFusedAdamCheck(b: string, s: number, g: string): Promise<FusedAdamCheck> } }).genmodFusedAdam.runFusedAdamCheck(b, steps, g),
      [backend, STEPS, gradients] as const,
    );

  // software WebGPU (SwiftShader) takes ~1 ms a dispatch: 1,000 steps of the MLP's forward and backward passes on
  // both copies take over 5 minutes there, so WebGPU's 1,000 steps feed both optimizers the same cycle of gradients
  const cases = [['webgl', 'model'], ['webgpu', 'cycle']] as const;
  it.each(cases)('%s (gradients: %s): equals tf.train.adam over 1,000 steps, one kernel per variable, fewer dispatches, no growth', async (backend, gradients) => {
    const r = await run(backend, gradients);
    console.log(`[fused-adam] ${JSON.stringify(r)}`);
    expect(r.backend).toBe(backend);
    if (gradients === 'model') expect(r.loss.fused).toBeLessThan(r.loss.start / 4); // it trains
    // GPUs may contract a·b + c into one rounding: equal to float32 rounding, not bit for bit
    expect(r.maxRelParams).toBeLessThan(1e-3);
    expect(r.maxRelMoments).toBeLessThan(1e-3);
    expect(Math.abs(r.loss.fused - r.loss.tfjs)).toBeLessThan(1e-4 * r.loss.tfjs + 1e-7);
    expect(r.kernels.fused).toBe(r.variables);
    expect(r.kernels.tfjs).toBeGreaterThanOrEqual(12 * r.variables);
    // webgpu: one compute dispatch per variable; webgl: three programs per variable (one per output), plus
    // one unpack for each packed input (matMul gradients arrive packed)
    if (backend === 'webgpu') expect(r.dispatches.fused).toBe(r.variables);
    else expect(r.dispatches.fused).toBeLessThanOrEqual(5 * r.variables);
    expect(r.dispatches.fused).toBeLessThan(r.dispatches.tfjs / 2);
    expect(r.tensorGrowth).toBe(0);
  });
});
