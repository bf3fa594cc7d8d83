// Installs one tfjs 4.x release (tfjs-core, tfjs-backend-cpu, tfjs-backend-wasm of the same version) from the
// npm registry into a cache folder, once: node_modules/.cache/genmod-peer-range/tfjs-<version>.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The oldest tfjs on which every package's golden suite passes (cpu and wasm): the lower bound of every
 * package's `peerDependencies["@tensorflow/tfjs-core"]`. Found by bisecting 4.0.0 … 4.22.0 (README.md).
 */
export const OLDEST_TFJS = '4.6.0';

/** The peer range every published package declares. */
export const PEER_RANGE = `^${OLDEST_TFJS}`;

/** The three tfjs packages the golden suites load. */
export const TFJS_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'] as const;

export const packageDir = fileURLToPath(new URL('../', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cacheRoot = join(packageDir, 'node_modules', '.cache', 'genmod-peer-range');

const installedVersion = (dir: string, name: string): string | undefined => {
  const pkg = join(dir, 'node_modules', name, 'package.json');
  return existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version : undefined;
};

/**
 * The folder whose node_modules holds the three tfjs packages at `version`, installing them with npm (from the
 * configured registry, scripts off, no lockfile) when the cache lacks them. Installs into a fresh folder and
 * renames it into place, so an interrupted install never leaves a half-filled cache behind.
 */
export function ensureTfjs(version: string): string {
  const dir = join(cacheRoot, `tfjs-${version}`);
  if (TFJS_PACKAGES.every((n) => installedVersion(dir, n) === version)) return dir;
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'package.json'), JSON.stringify({ name: 'tfjs-pin', version: '0.0.0', private: true }));
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--loglevel=error', ...TFJS_PACKAGES.map((n) => `${n}@${version}`)],
      { cwd: tmp, stdio: 'pipe', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    for (const n of TFJS_PACKAGES) {
      const got = installedVersion(tmp, n);
      if (got !== version) throw new Error(`peer-range: npm installed ${n}@${got ?? 'nothing'}, wanted ${version}`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
