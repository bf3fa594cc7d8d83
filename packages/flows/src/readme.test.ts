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
  // the conditional flow learns y ≈ (c, c) + N(0, 0.3²): given c = 1.5, the draws average ≈ (1.5, 1.5)
  // (1000 draws: standard error 0.01; the fit itself is the looser part)
  'example-2.ts': (logged) => {
    const [batchShape, mean] = logged as [number[], number[]];
    expect(batchShape).toEqual([1]);
    for (const m of mean) expect(Math.abs(m - 1.5)).toBeLessThan(0.25);
  },
  // a trained flow saved through a tf.io handler and loaded into a freshly built one: the same log-density, bit for bit
  'example-3.ts': (logged) => {
    const [names, same] = logged as [string[], boolean];
    expect(names).toEqual(['bijector/0/logScale', 'bijector/0/bias', 'bijector/0/initialized', 'bijector/1/net/0/kernel']);
    expect(same).toBe(true);
  },
});
