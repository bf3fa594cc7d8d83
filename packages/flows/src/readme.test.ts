import { expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
describeReadmeExamples(import.meta.url, {
  // the first example fits a RealNVP to a Gaussian with entropy 1 + log 2π + log|det A| = 2.33 nats
  // (A = [[1, 0.8], [0, 0.6]]) and prints [nll, sample shape, round-trip error]
  'example-1.ts': (logged) => {
    const [nll, shape, roundTrip] = logged as [number, number[], number];
    expect(nll).toBeLessThan(2.6);
    expect(nll).toBeGreaterThan(2.1);
    expect(shape).toEqual([1000, 2]);
    expect(roundTrip).toBeLessThan(1e-4);
  },
});
