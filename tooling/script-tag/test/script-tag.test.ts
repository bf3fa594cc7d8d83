/**
 * The script-tag builds (dist/index.global.js, each package's `unpkg`/`jsdelivr` file): every one reads tfjs
 * from the `tf` global (no copy of tfjs inside), and page/index.html — tfjs and @genmod/gumbel and
 * @genmod/divergences loaded by <script> tags — runs their README examples in headless Chromium with the
 * checks the packages' own README tests make.
 * Without Chromium the browser part fails under CI=true and is skipped (saying so) otherwise, as in
 * examples/browser.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalName, pageExamples, root } from '../src/script-examples.mjs';
import { fileFor, servePage } from '../src/serve.mjs';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// examples/browser/test/harness.ts's flags (TOOLCHAIN.md): WebGL2 and WebGPU headless on SwiftShader
const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox', '--disable-quic',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-background-networking',
  '--enable-features=Vulkan', '--use-vulkan=swiftshader',
];
const CI = ['true', '1'].includes(String(process.env.CI).toLowerCase()) && process.env.GENMOD_BROWSER_TESTS !== 'skip';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && !CI) console.warn(`script-tag browser test skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH). Under CI=true this fails instead.`);

// tfjs-core's own minified build, as @tensorflow/tfjs (a devDependency here) depends on it
const tfCoreMin = (() => {
  try {
    return createRequire(createRequire(import.meta.url).resolve('@tensorflow/tfjs/package.json')).resolve('@tensorflow/tfjs-core/dist/tf-core.min.js');
  } catch {
    return '';
  }
})();
const packages = readdirSync(join(root, 'packages'))
  .map((d) => ({ dir: join(root, 'packages', d), json: JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) }))
  .filter((p) => p.json.unpkg);

describe('the script-tag builds', () => {
  it('every package with a script-tag build: unpkg and jsdelivr name dist/index.global.js', () => {
    expect(packages.length).toBeGreaterThanOrEqual(7);
    for (const { json } of packages) expect([json.name, json.unpkg, json.jsdelivr]).toEqual([json.name, './dist/index.global.js', './dist/index.global.js']);
  });
  it.each(packages.map((p) => [p.json.name as string, p.dir]))('%s: defines its global and holds no copy of tfjs', (name, dir) => {
    const file = join(dir, 'dist', 'index.global.js');
    const code = readFileSync(file, 'utf8');
    expect(code).toMatch(new RegExp(`^var ${globalName(name)} = `, 'm'));
    // tfjs-core's engine throws this when no backend is registered: a bundled copy of tfjs-core carries it
    expect(code).not.toContain('No backend found in registry');
    expect(code).toContain('the global `tf` (@tensorflow/tfjs-core) is missing');
    // the whole package, minified, is a fraction of tfjs-core's own minified build (294 kB)
    const size = statSync(file).size;
    expect(size).toBeLessThan(100_000);
    if (tfCoreMin && existsSync(tfCoreMin)) expect(size).toBeLessThan(statSync(tfCoreMin).size / 3);
    console.log(`${name}: dist/index.global.js ${(size / 1000).toFixed(1)} kB`);
  });
  it('page/examples.js is the README blocks as script-tag code (regenerate: pnpm --filter @genmod-internal/script-tag generate)', () => {
    expect(readFileSync(new URL('../page/examples.js', import.meta.url), 'utf8')).toBe(pageExamples());
  });
  it('the server serves the page and the three packages, nothing else', () => {
    expect(fileFor('/')).toMatch(/page[\\/]index\.html$/);
    expect(fileFor('/npm/@tensorflow/tfjs/dist/tf.min.js')).toBeDefined();
    expect(fileFor('/npm/@genmod/gumbel/dist/index.global.js')).toBeDefined();
    expect(fileFor('/npm/@genmod/vae/dist/index.global.js')).toBeUndefined();
    expect(fileFor('/npm/@genmod/gumbel/../../../package.json')).toBeUndefined();
    expect(fileFor('/../package.json')).toBeUndefined();
  });
});

it.runIf(CI || haveChromium)(`finds Chromium at ${chromiumPath}`, () => {
  expect(haveChromium, `no Chromium at ${chromiumPath}: apt-get install -y chromium (.ci/run does it), or set CHROMIUM_PATH`).toBe(true);
});

describe.skipIf(!haveChromium && !CI)('page/index.html in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof servePage>> | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${chromiumPath}: CI=true requires the browser tests (apt-get install -y chromium)`);
    server = await servePage();
    profile = mkdtempSync(join(tmpdir(), 'genmod-script-tag-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await context?.close().catch(() => {});
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it.each(['webgl', 'cpu'])('runs the gumbel and divergences README examples from <script> tags (%s)', async (backend) => {
    const page = await context!.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    page.on('requestfailed', (r) => messages.push(`requestfailed: ${r.url()}`));
    page.on('response', (r) => r.status() >= 400 && messages.push(`error: ${r.status()} ${r.url()}`));
    try {
      await page.goto(`${server!.url}?backend=${backend}`);
      const out = await page.evaluate(() => (window as unknown as { genmodResults: Promise<unknown> }).genmodResults).catch((e: Error) => {
        throw new Error(`${e.message}\n${messages.join('\n')}`);
      }) as { backend: string; leakedTensors: number; results: Record<string, { logged: unknown[]; ms: number }> };
      console.log(`script-tag page on ${out.backend}: ${Object.entries(out.results).map(([n, r]) => `${n} ${r.ms} ms`).join(', ')}`);
      expect(out.backend).toBe(backend);
      expect(requested).toEqual(expect.arrayContaining(['/npm/@tensorflow/tfjs/dist/tf.min.js', '/npm/@genmod/gumbel/dist/index.global.js', '/npm/@genmod/divergences/dist/index.global.js']));
      expect(messages.filter((m) => /^(pageerror|error|requestfailed)/.test(m))).toEqual([]);
      // the checks of packages/gumbel/src/readme.test.ts
      const [p, top2, logDensity, next] = out.results['@genmod/gumbel README example 1']!.logged as [number[][], number[][], number[], number[]];
      expect(p[0]![2]).toBeGreaterThan(0.9);
      expect(new Set(top2[0]).size).toBe(2);
      expect(logDensity.every(Number.isFinite)).toBe(true);
      expect([0, 1]).toContain(next[0]);
      // the checks of packages/divergences/src/readme.test.ts
      const [kl, klPQ, js, w1, mmd2] = out.results['@genmod/divergences README example 1']!.logged as [number[], number, number, number, number];
      expect(kl[0]).toBeCloseTo(0.5 * (0.25 - Math.log(0.25)), 4);
      expect(klPQ).toBeCloseTo(0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1), 4);
      expect(js).toBeCloseTo(1, 5);
      expect(w1).toBeCloseTo(5, 5);
      expect(mmd2).toBeGreaterThan(0.1);
      // the examples dispose what they create
      expect(out.leakedTensors).toBe(0);
    } finally {
      await page.close();
    }
  });
});
