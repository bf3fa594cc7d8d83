import { expect } from 'vitest';
import { describeReadmeExamples } from '@genmod-internal/testing';

// README examples are extracted to readme-examples/, type-checked by the package's typecheck task, and run
// here: the README cannot drift from the code.
describeReadmeExamples(import.meta.url, {
  // the first example prints [kl, klPQ, js, w1, mmd2]
  'example-1.ts': (logged) => {
    const [kl, klPQ, js, w1, mmd2] = logged as [number[], number, number, number, number];
    expect(kl[0]).toBeCloseTo(0.5 * (0.25 - Math.log(0.25)), 5); // dim 1 contributes 0, dim 2 ½(σ² − 1 − log σ² + μ²)
    expect(klPQ).toBeCloseTo(0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1), 5);
    expect(js).toBeCloseTo(1, 6);
    expect(w1).toBeCloseTo(5, 6);
    expect(mmd2).toBeGreaterThan(0.1);
  },
  // the second prints [exact, estimate, standardError, single.standardError]
  'example-2.ts': (logged) => {
    const [exact, estimate, se, single] = logged as [number, number, number, undefined];
    expect(exact).toBeCloseTo(Math.log(2) + (1 + 1) / 8 - 0.5, 5); // log(σ_p/σ_q) + (σ_q² + Δμ²)/(2σ_p²) − ½
    expect(Math.abs(estimate - exact)).toBeLessThan(4 * se);
    expect(single).toBeUndefined();
  },
  // the sample-quality example prints [fid, kid, kidSe, precision, recall, density, coverage]
  'example-4.ts': (logged) => {
    const [fid, kid, se, precision, recall, density, coverage] = logged as number[];
    expect(Math.abs(fid! - 2)).toBeLessThan(0.6); // ‖Δμ‖² = 8·0.25, plus sampling error
    expect(kid).toBeGreaterThan(0);
    expect(se).toBeGreaterThan(0);
    for (const v of [precision, recall, coverage]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(density).toBeGreaterThan(0);
  },
});
