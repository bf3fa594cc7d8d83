import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository's copies of the golden files (see golden/PROVENANCE.md). */
export const goldenDir = fileURLToPath(new URL('../golden/', import.meta.url));

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the shared originals live on a developer's or CI machine (absent elsewhere). */
export const sharedGoldenDir = join(repoRoot, '..', 'shared', 'golden');

/** The golden files copied into the repository (every file but PROVENANCE.md). */
export function goldenFiles(): string[] {
  return readdirSync(goldenDir).filter((f) => f !== 'PROVENANCE.md').sort();
}

const cache = new Map<string, unknown>();

/** Parses one golden JSON file from the repository's copy. */
export function loadGolden<T = any>(name: string): T {
  if (!cache.has(name)) {
    const path = join(goldenDir, name);
    if (!existsSync(path)) throw new Error(`loadGolden: no golden file "${name}" in ${goldenDir}`);
    cache.set(name, JSON.parse(readFileSync(path, 'utf8')));
  }
  return cache.get(name) as T;
}
