import { describe, expect, it, vi } from 'vitest';
import { readmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
const examples = readmeExamples(import.meta.url);

describe('README examples', () => {
  it('has at least one', () => expect(examples.length).toBeGreaterThan(0));

  it.each(examples)('%s runs', async (file) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import(/* @vite-ignore */ new URL(`../readme-examples/${file}`, import.meta.url).href);
    // the first example trains a categorical toward its cheapest class and prints [p, top2, logDensity, next]
    if (file === 'example-1.ts') {
      const [p, top2, logDensity, next] = log.mock.calls[0] as [number[][], number[][], number[], number[]];
      expect(p[0]![2]).toBeGreaterThan(0.9);
      expect(new Set(top2[0]).size).toBe(2);
      expect(logDensity.every(Number.isFinite)).toBe(true);
      expect([0, 1]).toContain(next[0]);
    }
    log.mockRestore();
  });
});
