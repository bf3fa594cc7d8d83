import { expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
describeReadmeExamples(import.meta.url, {
  // the first example trains a denoiser on N(1, 0.5²) and prints [loss, sample mean]
  'example-1.ts': (logged) => {
    const [loss, mean] = logged as [number, number[]];
    expect(loss).toBeLessThan(1); // an untrained ε-predictor scores ≈ 1 or more
    expect(mean.every((m) => Math.abs(m - 1) < 0.35)).toBe(true);
  },
});
