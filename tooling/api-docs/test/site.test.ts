// The API reference as a reader gets it: `pnpm --filter @genmod-internal/api-docs build` (turbo runs it before
// this test) wrote one TypeDoc site for every published package into site/. The files are checked in Node;
// then the site is served on 127.0.0.1 and opened in Debian's Chromium (headless, playwright-core, the flags
// of examples/browser/test/harness.ts): the index, @genmod/gumbel's page and gumbelSoftmax's page render, with
// the function's equation (Unicode), its paper and its example.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const root = join(here, '..', '..');
const site = join(here, 'site');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// as examples/browser: under CI=true a missing Chromium fails, unless npm test (scripts/test.mjs) found none
// it could install and said so loudly (GENMOD_BROWSER_TESTS=skip)
const CI = ['true', '1'].includes(String(process.env.CI).toLowerCase()) && process.env.GENMOD_BROWSER_TESTS !== 'skip';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && !CI) console.warn(`api-docs browser check skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

/** examples/browser/test/harness.ts's flags (WebGPU ones included: harmless for a static page). */
const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-quic',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-background-networking',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
];

/** every published package (packages/* without "private"): each must have its page */
const published = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8')) as { name: string; private?: boolean; homepage?: string })
  .filter((p) => !p.private);

/** the page of a package: TypeDoc slugs "@genmod/gumbel" to "_genmod_gumbel" */
const pageOf = (name: string) => `modules/${name.replace(/[^a-z0-9]/gi, '_')}.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

describe('the API reference site (TypeDoc, built by this package)', () => {
  it('has an index and one page per published package at modules/_genmod_<name>.html, its homepage', () => {
    expect(existsSync(join(site, 'index.html')), 'site/index.html: run the build first').toBe(true);
    expect(published.length).toBeGreaterThanOrEqual(7);
    for (const p of published) {
      expect(existsSync(join(site, pageOf(p.name))), pageOf(p.name)).toBe(true);
      // the homepage of the package (package.json) is its page on the published site
      if (p.homepage) expect(p.homepage).toBe(`https://genmod.github.io/genmod/${pageOf(p.name)}`);
    }
    expect(existsSync(join(site, 'functions', '_genmod_gumbel.gumbelSoftmax.html'))).toBe(true);
  });

  it('documents gumbelSoftmax with its equation, paper and example (static HTML)', () => {
    const html = readFileSync(join(site, 'functions', '_genmod_gumbel.gumbelSoftmax.html'), 'utf8');
    expect(html).toContain('y = softmax((logits + g)/τ)');
    expect(html).toContain('arXiv:1611.01144');
    expect(html).toMatch(/<h4[^>]*>Example</); // the @example section
    expect(html).toMatch(/<pre><code class="ts">[\s\S]*gumbelSoftmax[\s\S]*<\/code>/); // its code, highlighted as TypeScript
  });
});

describe.skipIf(!haveChromium && !CI)('the API reference in headless Chromium', () => {
  let server: Server | undefined;
  let url = '';
  let profile = '';
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    if (!haveChromium) return; // under CI each test below fails, saying why
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      let file = normalize(join(site, path));
      if (!file.startsWith(site)) return void res.writeHead(403).end();
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file)) return void res.writeHead(404).end('not found');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    profile = mkdtempSync(join(tmpdir(), 'genmod-api-docs-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (server) await new Promise<void>((ok) => server!.close(() => ok()));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** opens a page of the site and returns its rendered text; fails on a page error or a failed request */
  async function open(path: string) {
    expect(haveChromium, `no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`).toBe(true);
    const page = await context!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
    });
    await page.goto(url + path, { waitUntil: 'load' });
    // TypeDoc's script fills the menu from assets/navigation.js once it has run
    await page.waitForFunction(() => document.querySelector('nav.tsd-navigation a') !== null, undefined, { timeout: 15_000 });
    return { page, problems };
  }

  it('the package page of @genmod/gumbel renders its README, its exports and the menu of every package', async () => {
    const { page, problems } = await open(pageOf('@genmod/gumbel'));
    expect(await page.title()).toContain('@genmod/gumbel');
    expect(await page.locator('h1').first().innerText()).toContain('@genmod/gumbel');
    const main = await page.locator('.col-content').innerText();
    expect(main).toContain('npm install @genmod/gumbel @tensorflow/tfjs'); // its README
    expect(main).toContain('API reference: https://genmod.github.io/genmod/modules/_genmod_gumbel.html');
    for (const name of ['gumbelSoftmax', 'gumbelMax', 'RelaxedOneHotCategorical', 'GumbelSoftmaxOptions']) expect(main).toContain(name);
    const menu = await page.locator('nav.tsd-navigation').innerText();
    for (const p of published) expect(menu).toContain(p.name.replace('@genmod/', '')); // the menu groups them under @genmod
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the function page of gumbelSoftmax renders its signature, equation, paper and example', async () => {
    const { page, problems } = await open('functions/_genmod_gumbel.gumbelSoftmax.html');
    expect(await page.locator('h1').first().innerText()).toContain('gumbelSoftmax');
    const main = await page.locator('.col-content').innerText();
    expect(main).toMatch(/gumbelSoftmax\(\s*logits/); // the signature
    expect(main).toContain('y = softmax((logits + g)/τ)'); // the equation, Unicode as text
    expect(main).toContain('∂y/∂logits = (diag(y) − y yᵀ)/τ');
    expect(main).toContain('arXiv:1611.01144'); // the paper
    expect(main).toContain('Example');
    expect(main).toContain("gumbelSoftmax(logits, { temperature: 0.5, hard: true, seed: 1 })"); // the example, rendered
    // the example is highlighted code, and {@link gumbelMax} became a link to its page
    expect(await page.locator('pre code').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href$="_genmod_gumbel.gumbelMax.html"]').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
