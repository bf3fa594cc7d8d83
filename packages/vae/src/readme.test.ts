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
    // the first example trains a small VAE and prints [loss before, loss after, IWAE ≥ ELBO, perplexity]
    if (file === 'example-1.ts') {
      const [before, after, iwaeAboveElbo, perplexity] = log.mock.calls[0] as [number, number, boolean, number];
      expect(after).toBeLessThan(before);
      expect(iwaeAboveElbo).toBe(true);
      expect(perplexity).toBeGreaterThan(1);
    }
    log.mockRestore();
  });
});
