/**
 * The page in a real browser: Debian's Chromium driven by playwright-core, WebGPU and WebGL on SwiftShader.
 * Builds the page with Vite, serves dist/ on a free port, and checks that
 *   - WebGPU is chosen by default, WebGL when asked with ?backend=webgl, each saying why;
 *   - every golden case passes on both (the same module the Node test runs on cpu and wasm);
 *   - the temperature slider changes the Gumbel-softmax figure (and moving it back restores it exactly);
 *   - the diffusion sampler animates and its Stop button aborts it mid-way (and the page keeps answering);
 *   - the same seed gives the same noise on cpu, wasm (Node), webgl and webgpu (Chromium);
 *   - the flow trained and saved in Node by examples/flows-2d (public/models) loads through tf.io.http and gives
 *     the logProb its reference.json recorded, on webgpu and webgl; a flow with ActNorm, BatchNorm, couplings
 *     and a spline saved to IndexedDB with its Adam state and loaded into a fresh flow gives bit-identical
 *     logProb, samples and next losses, and mismatched checkpoints are refused;
 *   - the class-conditional MNIST denoiser trained in Node by examples/diffusion-mnist loads, samples the digits
 *     Node recorded in reference.json (same classifier readings), its digit, steps and guidance controls work and
 *     Stop aborts its sampler, on webgpu and webgl;
 *   - the backend matrix in README.md is what this run measured (GENMOD_UPDATE_MATRIX=1 rewrites it).
 * Screenshots go to out/. Without Chromium the test fails under CI=true and is skipped (saying so) otherwise.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { buildPage, chromiumPath, launch, openPage, outDir, serve } from './harness.js';
import { MATRIX_BACKENDS, matrixMarkdown, readmeMatrix, writeReadmeMatrix, type MatrixBackend, type MatrixInput } from './matrix.js';
import { kernelCensus } from './census.js';
import { PACKAGES } from './packages.js';
import { goldenCases } from '../src/golden/cases.js';
import { runGoldenCases, type GoldenReport } from '../src/golden/run.js';
import { compareFingerprints, noiseFingerprint, type NoiseFingerprint } from '../src/noise.js';
import { missingKernels, recordKernels } from '../src/kernels.js';
import { demoWorkloads } from './workloads.js';
import { BROWSER_ATOL, BROWSER_RTOL, reference } from './pretrained.js';
import { SHIPPED_ARCHITECTURE } from '@genmod-examples/flows-2d/models';
import { DENOISER_ARCHITECTURE } from '@genmod-examples/diffusion-mnist/models';
import { BROWSER_PIXEL_ATOL, maxPixelDiff, reference as digitsReference } from './digits.js';

const DENOISER_ARCHITECTURE_JSON = { ...DENOISER_ARCHITECTURE };

// scripts/test.mjs (npm test) installs Chromium where it can and otherwise sets GENMOD_BROWSER_TESTS=skip and says
// so loudly; run on its own under CI=true, a missing Chromium fails instead of skipping.
const CI = ['true', '1'].includes(String(process.env.CI).toLowerCase()) && process.env.GENMOD_BROWSER_TESTS !== 'skip';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && !CI) {
  console.warn(`browser test skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH). Under CI=true this fails instead.`);
}

// counted as a failed test (not only a failed hook) when CI=true and the browser is missing
it.runIf(CI || haveChromium)(`finds Chromium at ${chromiumPath}`, () => {
  expect(haveChromium, `no Chromium at ${chromiumPath}: apt-get install -y chromium (.ci/run does it), or set CHROMIUM_PATH`).toBe(true);
});

const BROWSER_BACKENDS = ['webgpu', 'webgl'] as const;
type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

describe.skipIf(!haveChromium && !CI)('the page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Awaited<ReturnType<typeof launch>>;
  const pages = {} as Record<BrowserBackend, Page>;
  const reports = {} as Record<MatrixBackend, GoldenReport>;
  const prints = {} as Record<MatrixBackend, NoiseFingerprint>;
  const pageKernels = new Set<string>();

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${chromiumPath}: CI=true requires the browser test (apt-get install -y chromium; .ci/run does it)`);
    mkdirSync(outDir, { recursive: true });
    await buildPage();
    server = await serve();
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (context: BrowserContext, backend: BrowserBackend) => {
    const { page } = await openPage(context, server.url, backend === 'webgpu' ? '?autostart=0' : '?backend=webgl&autostart=0');
    pages[backend] = page;
    return { page };
  };

  it('chooses WebGPU when nothing is forced, and shows it on the page', async () => {
    const { page } = await open(browser.context, 'webgpu');
    const backend = await page.evaluate(() => window.genmod.backend!);
    expect(backend.active).toBe('webgpu');
    expect(backend.reasons).toEqual([]);
    expect(backend.details.join(' ')).toMatch(/WebGPU adapter: /);
    await expect.poll(() => page.textContent('#backend-name')).toBe('webgpu');
  });

  it('passes every golden case on WebGPU', async () => {
    const report = await pages.webgpu.evaluate(() => window.genmod.runGolden());
    reports.webgpu = report;
    expect(report.backend).toBe('webgpu');
    expect(report.cpuForwardOff).toContain('WEBGPU_CPU_FORWARD');
    expect(report.total).toBe(goldenCases().length);
    expect(report.cases.filter((c) => !c.pass).map((c) => `${c.pkg}: ${c.name}: ${c.failures.join('; ')}`)).toEqual([]);
    await expect.poll(() => pages.webgpu.textContent('#golden-summary')).toMatch(new RegExp(`^${report.total} of ${report.total} cases pass on webgpu`));
  });

  it('moving the temperature slider redraws the Gumbel-softmax figure; moving it back restores it', async () => {
    const page = pages.webgpu;
    const hash = () => page.evaluate(async () => (await window.genmod.gumbel!.idle(), window.genmod.gumbel!.hash()));
    const tau = () => page.textContent('#gumbel-tau');
    const before = await hash();
    const tauBefore = await tau();
    const slider = page.locator('#gumbel-temperature');
    await slider.focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft'); // colder: samples move to the corners
    const colder = await hash();
    expect(colder).not.toBe(before);
    expect(Number(await tau())).toBeLessThan(Number(tauBefore));
    await page.screenshot({ path: join(outDir, 'webgpu-cold.png'), fullPage: true });
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    expect(await tau()).toBe(tauBefore);
    expect(await hash()).toBe(before); // same τ, same noise: the very same pixels
  });

  it('animates the diffusion sampler and stops it mid-way with the Stop button', async () => {
    const page = pages.webgpu;
    const initial = await page.evaluate(() => window.genmod.canvasHash('diffusion-canvas'));
    await page.click('#diffusion-start');
    await page.waitForFunction(() => window.genmod.diffusion!.state().step >= 5, null, { timeout: 60_000 });
    await page.click('#diffusion-stop');
    await expect.poll(() => page.evaluate(() => window.genmod.diffusion!.state().status), { timeout: 30_000 }).toBe('stopped');
    const state = await page.evaluate(() => window.genmod.diffusion!.state());
    expect(state.step).toBeGreaterThanOrEqual(5);
    expect(state.step).toBeLessThan(state.total);
    expect(await page.textContent('#diffusion-status')).toBe(`stopped at step ${state.step} of ${state.total}`);
    expect(await page.evaluate(() => window.genmod.canvasHash('diffusion-canvas'))).not.toBe(initial);
    expect(await page.isEnabled('#diffusion-start')).toBe(true);
    expect(await page.evaluate(() => window.genmod.errors)).toEqual([]);
    await page.screenshot({ path: join(outDir, 'webgpu.png'), fullPage: true });
  });

  it('falls back to WebGL when asked with ?backend=webgl, saying why', async () => {
    const { page } = await open(browser.context, 'webgl');
    const backend = await page.evaluate(() => window.genmod.backend!);
    expect(backend).toMatchObject({ active: 'webgl', forced: 'webgl', reasons: ['webgpu: skipped (?backend=webgl)'] });
    expect(backend.details.join(' ')).toMatch(/WebGL 2, float32 render targets/);
  });

  it('passes every golden case on WebGL', async () => {
    const report = await pages.webgl.evaluate(() => window.genmod.runGolden());
    reports.webgl = report;
    expect(report.backend).toBe('webgl');
    expect(report.cases.filter((c) => !c.pass).map((c) => `${c.pkg}: ${c.name}: ${c.failures.join('; ')}`)).toEqual([]);
    expect(report.total).toBe(goldenCases().length);
    expect(await pages.webgl.evaluate(() => window.genmod.errors)).toEqual([]);
    await pages.webgl.screenshot({ path: join(outDir, 'webgl.png'), fullPage: true });
  });

  it('draws the same noise from the same seed on cpu, wasm, webgl and webgpu', async () => {
    for (const b of BROWSER_BACKENDS) prints[b] = await pages[b].evaluate(() => window.genmod.noiseFingerprint());
    const initial = tf.getBackend();
    for (const b of ['cpu', 'wasm'] as const) {
      await tf.setBackend(b);
      prints[b] = await noiseFingerprint();
    }
    await tf.setBackend(initial);
    for (const b of MATRIX_BACKENDS) expect(prints[b].backend).toBe(b);
    for (const b of ['wasm', 'webgl', 'webgpu'] as const) expect(compareFingerprints(prints[b], prints.cpu), `${b} vs cpu`).toEqual([]);
    expect(prints.webgpu.uniform).not.toEqual(prints.webgpu.normal.slice(0, 64)); // not a constant fingerprint
  });

  it('loads the flow trained in Node (public/models) and gives its reference logProb on WebGPU and WebGL', async () => {
    for (const b of BROWSER_BACKENDS) {
      const page = pages[b];
      expect(await page.evaluate(() => window.genmod.pretrained!.metadata())).toMatchObject({ architecture: SHIPPED_ARCHITECTURE, density: 'TWO MOONS', steps: reference.steps });
      expect(await page.textContent('#pretrained-status')).toMatch(/^loaded: 4 spline couplings/);
      const lp = await page.evaluate((points) => window.genmod.pretrained!.logProb(points), reference.points);
      const err = lp.map((v, i) => Math.abs(v - reference.logProb[i]!));
      const ratio = Math.max(...err.map((e, i) => e / (BROWSER_ATOL + BROWSER_RTOL * Math.abs(reference.logProb[i]!))));
      console.log(`${b}: logProb of the shipped flow vs Node (${reference.backend}): max |Δ| ${Math.max(...err).toExponential(2)}, error ratio ${ratio.toFixed(3)} (≤ 1 passes)`);
      err.forEach((e, i) => expect(e, `${b}, point ${i}`).toBeLessThanOrEqual(BROWSER_ATOL + BROWSER_RTOL * Math.abs(reference.logProb[i]!)));
    }
  });

  it('samples MNIST digits from the denoiser trained in Node (public/models/mnist-cfg): the reference digits of Node, the sliders, Stop', async () => {
    for (const b of BROWSER_BACKENDS) {
      const page = pages[b];
      await page.evaluate(() => window.genmod.digits!.loaded);
      expect(await page.evaluate(() => window.genmod.digits!.metadata())).toMatchObject({ model: 'denoiser', architecture: DENOISER_ARCHITECTURE_JSON, quantization: 'float16' });
      // the digits Node sampled at export time, from the same files: the same pixels within float32 drift, the same readings
      const grid = await page.evaluate((r) => window.genmod.digits!.sampleLabels(r.labels, r.steps, r.guidance, r.seed), digitsReference);
      const diff = maxPixelDiff(Object.values(grid.pixels));
      console.log(`${b}: the reference digits vs Node (${digitsReference.backend}): max |Δpixel| ${diff.toExponential(2)} (≤ ${BROWSER_PIXEL_ATOL} passes); classifier reads ${grid.predicted.join('')} (Node: ${digitsReference.predicted.join('')})`);
      expect(diff, b).toBeLessThanOrEqual(BROWSER_PIXEL_ATOL);
      expect(grid.predicted, b).toEqual(digitsReference.predicted);
      // through the page's controls: digit 7, 10 steps, guidance 3
      const before = await page.evaluate(() => window.genmod.canvasHash('digits-canvas'));
      await page.selectOption('#digits-digit', '7');
      await page.fill('#digits-steps', '10');
      await page.fill('#digits-guidance', '3');
      expect(await page.textContent('#digits-steps-value')).toBe('10');
      expect(await page.textContent('#digits-guidance-value')).toBe('3.0');
      await page.click('#digits-sample');
      await expect.poll(() => page.evaluate(() => window.genmod.digits!.state().status), { timeout: 120_000 }).toBe('done');
      const done = await page.evaluate(() => window.genmod.digits!.state());
      expect(done.step).toBe(10);
      expect(done.predicted.filter((p) => p === 7).length, b).toBeGreaterThanOrEqual(12);
      expect(await page.textContent('#digits-status')).toMatch(/^done: 10 network evaluations; the classifier reads \d+ of 16 as 7$/);
      expect(await page.evaluate(() => window.genmod.canvasHash('digits-canvas'))).not.toBe(before);
      // Stop aborts a 100-step run mid-way
      await page.fill('#digits-steps', '100');
      await page.click('#digits-sample');
      await page.waitForFunction(() => window.genmod.digits!.state().step >= 3, null, { timeout: 60_000 });
      await page.click('#digits-stop');
      await expect.poll(() => page.evaluate(() => window.genmod.digits!.state().status), { timeout: 30_000 }).toBe('stopped');
      const stopped = await page.evaluate(() => window.genmod.digits!.state());
      expect(stopped.step).toBeLessThan(100);
      expect(await page.textContent('#digits-status')).toBe(`stopped at step ${stopped.step} of 100`);
      expect(await page.isEnabled('#digits-sample')).toBe(true);
      expect(await page.evaluate(() => window.genmod.errors)).toEqual([]);
    }
  });

  it('saves a trained flow and its Adam state to IndexedDB and restores it bit for bit; mismatched checkpoints are refused', async () => {
    for (const b of BROWSER_BACKENDS) {
      const page = pages[b];
      const r = await page.evaluate(() => window.genmod.pretrained!.roundTrip('indexeddb://genmod-test-round-trip'));
      expect(r.backend).toBe(b);
      expect(r.cpuForwardOff).toEqual(['WEBGPU_CPU_FORWARD', 'WEBGL_CPU_FORWARD']); // see roundTrip: both flows on the device
      expect(r.stateDiffers, b).toEqual([]);
      expect(r.repeatIdentical, b).toBe(true);
      expect(r.names).toEqual(expect.arrayContaining(['bijector/0/initialized', 'bijector/2/runningMean', 'bijector/2/runningVariance', 'bijector/3/net/1/kernel']));
      expect(r, b).toMatchObject({ logProbIdentical: true, sampleIdentical: true, actNormInitialized: 1, runningStatsIdentical: true });
      expect(r.resumedLosses, b).toEqual(r.continuedLosses);
      expect(r.refusals.map((f) => f.unchanged)).toEqual([true, true]);
      expect(r.refusals[0]!.message).toMatch(/nothing was loaded.*mismatched 'bijector\/1\/net\/0\/kernel': expected float32\[2, 24\], got float32\[2, 16\]/);
      expect(r.refusals[1]!.message).toMatch(/unexpected 'bijector\/2\/logGamma'/);
      expect(r.tensorsAfter, b).toBe(r.tensorsBefore);
      await expect.poll(() => page.textContent('#pretrained-roundtrip-status')).toMatch(/bit for bit the same; 2 of 2 mismatched architectures refused$/);
      expect(await page.evaluate(() => window.genmod.errors)).toEqual([]);
    }
  });

  it('matches the backend matrix in README.md (npm run matrix rewrites it)', async () => {
    for (const b of BROWSER_BACKENDS) for (const k of await pages[b].evaluate(() => window.genmod.kernelsSeen())) pageKernels.add(k);
    const initial = tf.getBackend();
    const nodeKernels = recordKernels();
    const census = {} as MatrixInput['census'];
    for (const b of ['cpu', 'wasm'] as const) {
      await tf.setBackend(b);
      reports[b] = await runGoldenCases({ yieldBetween: async () => undefined });
      await demoWorkloads(); // the demos' computations (flow training, sampler, KL fits), for their kernels
      census[b] = await kernelCensus(Object.keys(PACKAGES), PACKAGES); // every export's @example
    }
    nodeKernels.stop();
    await tf.setBackend(initial);
    const kernels = [...new Set([...pageKernels, ...nodeKernels.names(), ...MATRIX_BACKENDS.flatMap((b) => reports[b].kernels)])].sort();
    // webgl and webgpu register their kernels in the page; cpu and wasm here in Node
    const inPage = await pages.webgpu.evaluate((names) => window.genmod.kernelInfo(names), kernels);
    expect(inPage.backends).toEqual(expect.arrayContaining(['cpu', 'webgl', 'webgpu']));
    const inNode = missingKernels(kernels, ['cpu', 'wasm']);
    const registeredInPage = await pages.webgpu.evaluate(() => window.genmod.kernelCounts());
    const missing = { cpu: inNode.cpu!, wasm: inNode.wasm!, webgl: inPage.missing.webgl!, webgpu: inPage.missing.webgpu! };
    const registered = { cpu: tf.getKernelsForBackend('cpu').length, wasm: tf.getKernelsForBackend('wasm').length, webgl: registeredInPage.webgl!, webgpu: registeredInPage.webgpu! };
    const adapter = (await pages.webgpu.evaluate(() => window.genmod.backend!.details)).find((d) => d.startsWith('WebGPU adapter: '))?.slice(16) ?? 'unknown';
    const markdown = matrixMarkdown({ reports, kernels, missing, registered, census, browser: `headless Chromium (playwright-core), WebGPU adapter "${adapter}", WebGL 2 on ANGLE` });
    if (process.env.GENMOD_UPDATE_MATRIX === '1') writeReadmeMatrix(markdown);
    expect(readmeMatrix(), 'examples/browser/README.md matrix is stale: run `npm run matrix` in examples/browser').toBe(markdown);
    for (const b of MATRIX_BACKENDS) expect(reports[b].failed, b).toBe(0);
  });
});
