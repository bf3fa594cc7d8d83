#!/usr/bin/env node
// Serves page/ and, under /npm/<package>/<file>, the files of the packages the page loads, from this
// package's node_modules (the layout jsDelivr and unpkg use). `node src/serve.mjs` serves it until Ctrl-C.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const pageDir = join(here, 'page');
const require = createRequire(join(here, 'package.json'));

/** The packages the page may load by <script> tag, and where each is installed. */
export const SERVED = ['@tensorflow/tfjs', '@genmod/gumbel', '@genmod/divergences'];
const packageDir = (name) => dirname(require.resolve(`${name}/package.json`));

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

/** The file for a URL path, or undefined (outside page/ and the served packages). */
export function fileFor(path) {
  const npm = /^\/npm\/(@[^/]+\/[^/]+)\/(.+)$/.exec(path);
  const [base, rest] = npm ? (SERVED.includes(npm[1]) ? [packageDir(npm[1]), npm[2]] : []) : [pageDir, path === '/' ? 'index.html' : path.slice(1)];
  if (!base) return undefined;
  const file = normalize(join(base, rest));
  return file.startsWith(base + sep) && existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** Serves the page on 127.0.0.1 at a free port. */
export async function servePage() {
  const server = createServer((req, res) => {
    const file = fileFor(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname));
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const { url } = await servePage();
  console.log(`the script-tag page: ${url} (Ctrl-C to stop)`);
}
