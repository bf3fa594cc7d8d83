import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@genmod-internal/core';
import { expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { densityCoverage, frechetDistance, kernelDistance, precisionRecall } from './index.js';

const num = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

/** n standard normal rows of dimension d from a seeded host generator (Box–Muller). */
function gaussianRows(n: number, d: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())));
}

/** Rows whose sample mean is exactly 0 and sample covariance (ddof 1) exactly I (2-D, whitened on the host). */
function whitened2d(n: number, seed: number): number[][] {
  const z = gaussianRows(n, 2, seed);
  const mean = [0, 1].map((j) => z.reduce((s, r) => s + r[j]!, 0) / n);
  const c = z.map((r) => [r[0]! - mean[0]!, r[1]! - mean[1]!]);
  const cov = (a: number, b: number) => c.reduce((s, r) => s + r[a]! * r[b]!, 0) / (n - 1);
  // Cholesky of the 2×2 covariance, then L⁻¹ c
  const l00 = Math.sqrt(cov(0, 0));
  const l10 = cov(1, 0) / l00;
  const l11 = Math.sqrt(cov(1, 1) - l10 * l10);
  return c.map(([a, b]) => {
    const w0 = a! / l00;
    return [w0, (b! - l10 * w0) / l11];
  });
}

/** μ + L w for each row w. */
const affine = (w: number[][], mu: number[], l: number[][]) => w.map((r) => mu.map((m, i) => m + l[i]!.reduce((s, v, j) => s + v * r[j]!, 0)));

/** √M for a 2×2 symmetric positive definite M: (M + √det·I)/√(tr M + 2√det). */
function sqrt2(m: number[][]): number[][] {
  const sd = Math.sqrt(m[0]![0]! * m[1]![1]! - m[0]![1]! * m[1]![0]!);
  const t = Math.sqrt(m[0]![0]! + m[1]![1]! + 2 * sd);
  return [[(m[0]![0]! + sd) / t, m[0]![1]! / t], [m[1]![0]! / t, (m[1]![1]! + sd) / t]];
}
const mul2 = (a: number[][], b: number[][]) => a.map((r) => [0, 1].map((j) => r[0]! * b[0]![j]! + r[1]! * b[1]![j]!));
const tr2 = (a: number[][]) => a[0]![0]! + a[1]![1]!;
/** The closed form ‖Δμ‖² + tr(Σ1 + Σ2 − 2(Σ1^{1/2}Σ2Σ1^{1/2})^{1/2}). */
function frechetClosed(mu1: number[], s1: number[][], mu2: number[], s2: number[][]): number {
  const a = sqrt2(s1);
  return (mu1[0]! - mu2[0]!) ** 2 + (mu1[1]! - mu2[1]!) ** 2 + tr2(s1) + tr2(s2) - 2 * tr2(sqrt2(mul2(mul2(a, s2), a)));
}

const S1 = [[2, 1], [1, 2]];
const S2 = [[1, -0.3], [-0.3, 3]];
const chol = (s: number[][]) => {
  const l00 = Math.sqrt(s[0]![0]!);
  const l10 = s[1]![0]! / l00;
  return [[l00, 0], [l10, Math.sqrt(s[1]![1]! - l10 * l10)]];
};

describe('frechetDistance', () => {
  it('equals the closed form exactly when the sample moments are the Gaussians’ (non-commuting covariances)', () => {
    const x = affine(whitened2d(400, 1), [0.5, -1], chol(S1));
    const y = affine(whitened2d(300, 2), [-1, 2], chol(S2));
    const closed = frechetClosed([0.5, -1], S1, [-1, 2], S2);
    expect(num(frechetDistance(x, y))).toBeCloseTo(closed, 4);
  });

  it('matches the closed form within sampling error at large n', () => {
    const x = affine(gaussianRows(20000, 2, 3), [0, 0], chol(S1));
    const y = affine(gaussianRows(20000, 2, 4), [1, 0], chol(S2));
    const closed = frechetClosed([0, 0], S1, [1, 0], S2);
    expect(Math.abs(num(frechetDistance(x, y)) - closed)).toBeLessThan(0.1);
  });

  it('is 0 for equal sets, and ‖Δμ‖² for shifted copies', () => {
    const x = gaussianRows(50, 5, 5);
    expect(Math.abs(num(frechetDistance(x, x)))).toBeLessThan(1e-6);
    const shifted = x.map((r) => r.map((v) => v + 2));
    expect(num(frechetDistance(x, shifted))).toBeCloseTo(20, 4);
  });

  it('handles d = 1 and singular covariances', () => {
    expect(num(frechetDistance([[0], [2]], [[1], [5]]))).toBeCloseTo(4 + (Math.sqrt(2) - Math.sqrt(8)) ** 2, 5);
    // rank-1 covariances (all points on a line): no NaN
    const v = num(frechetDistance([[0, 0], [1, 1], [2, 2]], [[0, 0], [1, -1], [2, -2]]));
    expect(v).toBeCloseTo(4 + 2 + 2, 5); // ‖Δμ‖² = 4, tr Σ = 2 each, Σ_r Σ_g = 0: tr √ = 0
  });
});

describe('kernelDistance', () => {
  const x = gaussianRows(60, 3, 6);
  const y = gaussianRows(50, 3, 7).map((r) => r.map((v) => v + 1));
  const k = (a: number[], b: number[]) => (a.reduce((s, v, i) => s + v * b[i]!, 0) / 3 + 1) ** 3;
  function mmdHost(xs: number[][], ys: number[][]): number {
    const s = xs.length;
    let xx = 0, yy = 0, xy = 0;
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) {
      if (i !== j) { xx += k(xs[i]!, xs[j]!); yy += k(ys[i]!, ys[j]!); }
      xy += k(xs[i]!, ys[j]!);
    }
    return (xx + yy) / (s * (s - 1)) - (2 * xy) / (s * s);
  }

  it('equals the unbiased MMD² with the cubic kernel on explicit subsets, with the standard error of the mean', () => {
    const ri = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 20, 30, 40, 50, 5, 15, 25, 35, 45]];
    const gi = [[1, 3, 5, 7, 9, 11, 13, 15, 17, 19], [0, 2, 4, 6, 8, 10, 12, 14, 16, 49]];
    const e = ri.map((r, s) => mmdHost(r.map((i) => x[i]!), gi[s]!.map((i) => y[i]!)));
    const { value, standardError } = kernelDistance(x, y, { indices: { real: ri, generated: gi } });
    const mean = (e[0]! + e[1]!) / 2;
    expect(num(value)).toBeCloseTo(mean, 3);
    expect(num(standardError)).toBeCloseTo(Math.abs(e[0]! - e[1]!) / 2, 3);
  });

  it('with one subset of all points is the full-sample unbiased MMD² (n = m), standard error NaN', () => {
    const yy = y.slice(0, 50);
    const xx = x.slice(0, 50);
    const { value, standardError } = kernelDistance(xx, yy, { subsets: 1, subsetSize: 50, seed: 0 });
    expect(num(value)).toBeCloseTo(mmdHost(xx, yy), 3);
    expect(num(standardError)).toBeNaN();
  });

  it('is near 0 for samples of one law and positive for shifted ones', () => {
    const a = gaussianRows(400, 4, 8);
    const b = gaussianRows(400, 4, 9);
    const same = kernelDistance(a, b, { subsets: 20, subsetSize: 200, seed: 1 });
    expect(Math.abs(num(same.value))).toBeLessThan(4 * num(same.standardError) + 0.01);
    expect(num(kernelDistance(a, b.map((r) => r.map((v) => v + 1)), { subsets: 5, subsetSize: 100, seed: 1 }).value)).toBeGreaterThan(0.5);
  });

  it('seeds reproduce and differ', () => {
    const run = (seed: number | string) => num(kernelDistance(x, y, { subsets: 3, subsetSize: 20, seed }).value);
    expect(run(1)).toBe(run(1));
    expect(new Set([run(0), run(1), run('a')]).size).toBe(3);
  });
});

describe('precisionRecall and densityCoverage', () => {
  it('identical sets: precision = recall = coverage = 1, density = (k + 1)/k (each ball holds its centre too)', () => {
    const x = gaussianRows(40, 3, 10);
    const pr = precisionRecall(x, x);
    expect([num(pr.precision), num(pr.recall)]).toEqual([1, 1]);
    const dc = densityCoverage(x, x);
    expect(num(dc.density)).toBeCloseTo(6 / 5, 6);
    expect(num(dc.coverage)).toBe(1);
  });

  it('far-apart sets: all 0', () => {
    const x = gaussianRows(30, 2, 11);
    const y = x.map((r) => r.map((v) => v + 100));
    const pr = precisionRecall(x, y);
    expect([num(pr.precision), num(pr.recall)]).toEqual([0, 0]);
    const dc = densityCoverage(x, y);
    expect([num(dc.density), num(dc.coverage)]).toEqual([0, 0]);
  });

  it('the definitions on a small 1-D example (k = 1)', () => {
    // real 0, 1, 3: 1-NN radii 1, 1, 2; generated 0.5, 10: 1-NN radii 9.5, 9.5
    const pr = precisionRecall([[0], [1], [3]], [[0.5], [10]], { k: 1 });
    expect(num(pr.precision)).toBe(0.5); // 0.5 is in B(0, 1); 10 is in none
    expect(num(pr.recall)).toBe(1); // B(0.5, 9.5) holds 0, 1, 3
    const dc = densityCoverage([[0], [1], [3]], [[0.5], [10]], { k: 1 });
    expect(num(dc.density)).toBeCloseTo(2 / 2, 6); // 0.5 lies in B(0, 1) and B(1, 1)
    expect(num(dc.coverage)).toBeCloseTo(2 / 3, 6); // the balls of 0 and 1 hold a generated point
  });
});

describe('argument errors, before any allocation', () => {
  const x = [[0, 1], [1, 0], [2, 2], [3, 1], [1, 1], [0, 0]];
  it.each([
    ['frechetDistance', () => frechetDistance([0, 1, 2], x), /^frechetDistance: real must be a feature matrix of shape \[n, d\], got/],
    ['frechetDistance', () => frechetDistance(x, [[0, 1, 2], [1, 1, 1]]), /^frechetDistance: real and generated must be features of the same dimension d, got d = 2 and d = 3$/],
    ['frechetDistance', () => frechetDistance([[0, 1]], x), /^frechetDistance: real must be at least 2 points \(for a covariance\), got 1 points$/],
    ['kernelDistance', () => kernelDistance(x, x, { subsetSize: 7 }), /^kernelDistance: options.subsetSize must be at most min\(n, m\) = 6, got 7$/],
    ['kernelDistance', () => kernelDistance(x, x, { subsets: 0 }), /^kernelDistance: options.subsets must be an integer ≥ 1, got 0$/],
    ['kernelDistance', () => kernelDistance(x, x, { degree: 1.5 }), /^kernelDistance: options.degree must be an integer ≥ 1, got 1.5$/],
    ['kernelDistance', () => kernelDistance(x, x, { indices: { real: [[0, 1]], generated: [[0, 1, 2]] } }), /^kernelDistance: options.indices must be as many real as generated subsets, all of one size ≥ 2/],
    ['kernelDistance', () => kernelDistance(x, x, { indices: { real: [[0, 6]], generated: [[0, 1]] } }), /^kernelDistance: options.indices.real must be arrays of integer row indices in \[0, 6\)/],
    ['kernelDistance', () => kernelDistance(x, x, { indices: { real: [[0, 1]], generated: [[0, 1]] }, seed: 1 }), /^kernelDistance: options must be indices alone/],
    ['precisionRecall', () => precisionRecall(x.slice(0, 3), x), /^precisionRecall: real must be at least 4 points \(k \+ 1 = 4 for k-nearest-neighbour balls\), got 3 points$/],
    ['precisionRecall', () => precisionRecall(x, x, { k: 0 }), /^precisionRecall: options.k must be an integer ≥ 1, got 0$/],
    ['densityCoverage', () => densityCoverage(x.slice(0, 5), x), /^densityCoverage: real must be at least 6 points \(k \+ 1 = 6/],
    ['densityCoverage', () => densityCoverage(x, x, { k: 2, kk: 1 } as never), /^densityCoverage: unknown option 'kk'/],
  ] as Array<[string, () => unknown, RegExp]>)('%s', (_, call, re) => {
    expectThrowsClean(call, re);
  });
});

describe('no leaks', () => {
  const x = [[0, 1], [1, 0], [2, 2], [3, 1], [1, 1], [0, 0]];
  it('every metric', () => {
    tf.dispose(expectNoLeaks(() => frechetDistance(x, x)) as tf.Tensor);
    tf.dispose(Object.values(expectNoLeaks(() => kernelDistance(x, x, { subsets: 2, subsetSize: 3, seed: 0 }))));
    tf.dispose(Object.values(expectNoLeaks(() => precisionRecall(x, x))));
    tf.dispose(Object.values(expectNoLeaks(() => densityCoverage(x, x))));
    const t = tf.tensor2d(x);
    tf.dispose(Object.values(expectNoLeaks(() => kernelDistance(t, t, { subsets: 2, subsetSize: 3, seed: 0 }))));
    t.dispose();
  });
});
