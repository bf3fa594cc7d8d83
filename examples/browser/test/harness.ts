/**
 * What the browser test and the scripts share: build the page with Vite, serve dist/ on a free port, and
 * launch Debian's Chromium through playwright-core with WebGPU on (SwiftShader when there is no GPU) and a
 * fresh profile.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

export const exampleDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const outDir = join(exampleDir, 'out');
/** The tests build into out/dist, not dist/: turbo may run this package's build task at the same time. */
export const distDir = join(outDir, 'dist');

/** Where Debian's `apt-get install -y chromium` puts the browser; CHROMIUM_PATH overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * ../shared/design/TOOLCHAIN.md's flags (WebGPU and WebGL2 headless, on SwiftShader when there is no GPU),
 * plus two found by measurement: without `--enable-features=Vulkan --use-vulkan=swiftshader`, Chromium 156
 * cannot copy a WebGPU buffer into a canvas here, so tfjs-webgpu's synchronous readback (`dataSync`, which
 * the packages use in argument checks) returns zeros and leaves the device unusable ("A valid external
 * Instance reference no longer exists"). The page detects that and falls back to WebGL (see src/backend.ts).
 */
export const CHROMIUM_FLAGS = [
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

/** Builds the page into `outDir` (Vite, a few seconds). */
export async function buildPage(outDir = distDir): Promise<void> {
  await build({ root: exampleDir, configFile: join(exampleDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves `dir` on 127.0.0.1 at a free port (a secure context for WebGPU: localhost is one). */
export async function serve(dir = distDir): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** Launches Chromium headless with the TOOLCHAIN flags and a fresh --user-data-dir (removed by close()). */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'genmod-chromium-'));
  // launchPersistentContext is how playwright takes a user data dir; it is new and empty each time
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1240, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the page with the given query, waits for the backend choice and the first figures. */
export async function openPage(context: BrowserContext, url: string, query: string): Promise<{ page: Page; console: string[] }> {
  const page = await context.newPage();
  const console: string[] = [];
  page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  await page.goto(`${url}${query}`);
  await page.waitForFunction(() => window.genmod?.ready !== undefined);
  await page.evaluate(() => window.genmod.ready);
  return { page, console };
}
