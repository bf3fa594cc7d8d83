import { expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
describeReadmeExamples(import.meta.url, {
  // the first example trains a categorical toward its cheapest class and prints [p, top2, logDensity, next]
  'example-1.ts': (logged) => {
    const [p, top2, logDensity, next] = logged as [number[][], number[][], number[], number[]];
    expect(p[0]![2]).toBeGreaterThan(0.9);
    expect(new Set(top2[0]).size).toBe(2);
    expect(logDensity.every(Number.isFinite)).toBe(true);
    expect([0, 1]).toContain(next[0]);
  },
});
