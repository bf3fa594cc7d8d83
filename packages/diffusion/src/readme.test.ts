import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// README examples are extracted to readme-examples/ (scripts/readme-examples.mjs), type-checked by the
// package's typecheck task, and run here: the README cannot drift from the code.
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [fileURLToPath(new URL('../../../scripts/readme-examples.mjs', import.meta.url)), pkgDir]);
const examples = readdirSync(new URL('../readme-examples/', import.meta.url)).filter((f) => f.endsWith('.ts')).sort();

describe('README examples', () => {
  it('has at least one', () => expect(examples.length).toBeGreaterThan(0));

  it.each(examples)('%s runs', async (file) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import(/* @vite-ignore */ new URL(`../readme-examples/${file}`, import.meta.url).href);
    // the first example trains a denoiser on N(1, 0.5²) and prints [loss, sample mean]
    if (file === 'example-1.ts') {
      const [loss, mean] = log.mock.calls[0] as [number, number[]];
      expect(loss).toBeLessThan(1); // an untrained ε-predictor scores ≈ 1 or more
      expect(mean.every((m) => Math.abs(m - 1) < 0.35)).toBe(true);
    }
    log.mockRestore();
  });
});
