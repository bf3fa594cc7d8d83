import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { inverseMultiquadricKernel, mmd, rbfKernel } from './mmd.js';

const X = [[0, 0], [1, 0.5], [-0.5, 2], [1.5, -1], [0.2, 0.3]];
const Y = [[1, 1], [2, 0.5], [0.5, 2.5], [1.2, 1.8]];

const sq = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
/** MMD² in float64, the textbook double sums. */
function mmdHost(x: number[][], y: number[][], k: (d2: number) => number, biased: boolean): number {
  const mean = (s: number[][], t: number[][], skipDiagonal: boolean) => {
    let total = 0;
    let count = 0;
    s.forEach((a, i) => t.forEach((b, j) => {
      if (skipDiagonal && i === j) return;
      total += k(sq(a, b));
      count++;
    }));
    return total / count;
  };
  return mean(x, x, !biased) + mean(y, y, !biased) - 2 * mean(x, y, false);
}

describe('mmd', () => {
  const rbf = (h: number) => (d2: number) => Math.exp(-d2 / (2 * h * h));
  const imq = (c: number, beta: number) => (d2: number) => (1 + d2 / (c * c)) ** -beta;

  it.each([
    ['RBF h = 1', rbfKernel({ bandwidth: 1 }), rbf(1)],
    ['RBF h = 0.3', rbfKernel({ bandwidth: 0.3 }), rbf(0.3)],
    ['IMQ c = 1, β = ½', inverseMultiquadricKernel(), imq(1, 0.5)],
    ['IMQ c = 2, β = 1', inverseMultiquadricKernel({ scale: 2, exponent: 1 }), imq(2, 1)],
  ] as const)('%s: unbiased U-statistic and biased V-statistic match float64 double sums', (_n, kernel, k) => {
    const u = expectNoLeaks(() => mmd(X, Y, { kernel }));
    expectClose(u, mmdHost(X, Y, k, false), { rtol: 1e-5, atol: 1e-6 });
    const v = mmd(X, Y, { kernel, biased: true });
    expectClose(v, mmdHost(X, Y, k, true), { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([u, v]);
  });

  it('the median heuristic sets h to the median distance between distinct pooled points', () => {
    const m = expectNoLeaks(() => mmd(X, Y)); // default kernel: rbfKernel() with the median heuristic
    expectClose(m, mmdHost(X, Y, rbf(medianDistance([...X, ...Y])), false), { rtol: 1e-5, atol: 1e-6 });
    m.dispose();
  });

  it('separates different laws and not equal ones (unbiased: ≈ 0 in expectation)', () => {
    const a = tf.randomNormal([300, 2], 0, 1, 'float32', 1);
    const b = tf.randomNormal([300, 2], 0, 1, 'float32', 2);
    const c = tf.randomNormal([300, 2], 0.7, 1, 'float32', 3);
    const same = mmd(a, b, { kernel: rbfKernel({ bandwidth: 1 }) }).dataSync()[0]!;
    const diff = mmd(a, c, { kernel: rbfKernel({ bandwidth: 1 }) }).dataSync()[0]!;
    expect(Math.abs(same)).toBeLessThan(0.01);
    expect(diff).toBeGreaterThan(0.05);
    tf.dispose([a, b, c]);
  });

  it('gradients match finite differences, and are finite when samples coincide', () => {
    checkGradient((t) => mmd(t, Y, { kernel: rbfKernel({ bandwidth: 1 }) }), tf.tensor2d(X), { eps: 1e-2 });
    checkGradient((t) => mmd(X, t, { kernel: inverseMultiquadricKernel(), biased: true }), tf.tensor2d(Y), { eps: 1e-2 });
    const x = tf.tensor2d([[0, 0], [0, 0], [1, 1]]);
    const g = tf.grad((t: tf.Tensor) => mmd(t, [[0, 0], [1, 1]]))(x);
    expectFinite(g);
    tf.dispose([x, g]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => mmd([[1, 2], [3, 4]], [[1], [2]]), /mmd: x and y must be samples of the same dimension d, got d = 2 and d = 1/);
    expectThrowsClean(() => mmd([[1, 2]], [[1, 2], [3, 4]]), /mmd: x and y must be samples of at least 2 points each, got 1 and 2 points/);
    expectThrowsClean(() => mmd([1, 2], [3, 4], { kernel: 'rbf' as never }), /mmd: options.kernel must be a function/);
    expectThrowsClean(() => rbfKernel({ bandwidth: 0 }), /rbfKernel: options.bandwidth must be a finite number > 0, got 0/);
    expectThrowsClean(() => inverseMultiquadricKernel({ exponent: -1 }), /inverseMultiquadricKernel: options.exponent must be a finite number > 0, got -1/);
  });
});

/** A deterministic sample of `n` points in `d` dimensions with spread ≈ 1, on the grid 2⁻⁶ (so that adding
 * an integer offset up to 2¹⁶ is exact in float32 and the shifted inputs are the same law, exactly). */
function gridSample(n: number, d: number, seed: number, centre = 0): number[][] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => centre + Math.round(64 * (u() + u() + u() - 1.5) * 2) / 64));
}
const shift = (s: number[][], c: number) => s.map((p) => p.map((v) => v + c));

/** ∂MMD²/∂x and ∂MMD²/∂y in float64 by central differences of `mmdHost` (step 1e-6). */
function mmdHostGradFd(x: number[][], y: number[][], k: (d2: number) => number, biased: boolean): [number[][], number[][]] {
  const step = 1e-6;
  const fd = (which: 0 | 1) => {
    const s = which === 0 ? x : y;
    return s.map((p, i) => p.map((_, a) => {
      const at = (h: number) => {
        const t = s.map((q, j) => q.map((v, b) => (j === i && b === a ? v + h : v)));
        return which === 0 ? mmdHost(t, y, k, biased) : mmdHost(x, t, k, biased);
      };
      return (at(step) - at(-step)) / (2 * step);
    }));
  };
  return [fd(0), fd(1)];
}

/** ∂MMD²_u/∂x and ∂/∂y in float64, analytic, for the RBF kernel with bandwidth h. */
function mmdHostGradRbf(x: number[][], y: number[][], h: number): [number[][], number[][]] {
  const n = x.length;
  const m = y.length;
  // ∂k(a, b)/∂a = −k(a, b)·(a − b)/h²
  const dk = (a: number[], b: number[]) => {
    const k = Math.exp(-sq(a, b) / (2 * h * h));
    return a.map((v, i) => (-k * (v - b[i]!)) / (h * h));
  };
  const grad = (s: number[][], same: number, other: number[][], cs: number, co: number) =>
    s.map((a, i) => {
      const g = a.map(() => 0);
      s.forEach((b, j) => j !== i && dk(a, b).forEach((v, t) => (g[t]! += (2 * v) / (same * (same - 1)))));
      other.forEach((b) => dk(a, b).forEach((v, t) => (g[t]! -= (2 * v) / (cs * co))));
      return g;
    });
  return [grad(x, n, y, n, m), grad(y, m, x, m, n)];
}

/** the worst |a − e| / max|e| over elements (a float32 result against a float64 reference) */
function worstRelative(actual: ArrayLike<number>, expected: number[]): number {
  const scale = Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  return worst;
}

describe('mmd far from the origin (issue 14: squared distances by cancellation)', () => {
  const rbf = (h: number) => (d2: number) => Math.exp(-d2 / (2 * h * h));
  const imq = (c: number, beta: number) => (d2: number) => (1 + d2 / (c * c)) ** -beta;
  const X0 = gridSample(12, 3, 1);
  const Y0 = gridSample(10, 3, 2, 0.25);

  it.each([
    [1e3, 'RBF h = 1'], [4096, 'RBF h = 1'], [1e4, 'RBF h = 1'], [1e4, 'IMQ c = 1, β = ½'], [1e4, 'RBF median heuristic'],
  ] as const)('both samples shifted by %d (%s): MMD² equals the unshifted float64 value', (c, name) => {
    const kernel = name === 'RBF h = 1' ? rbfKernel({ bandwidth: 1 }) : name === 'IMQ c = 1, β = ½' ? inverseMultiquadricKernel() : rbfKernel();
    const host = name === 'RBF h = 1' ? rbf(1) : name === 'IMQ c = 1, β = ½' ? imq(1, 0.5) : rbf(medianDistance([...X0, ...Y0]));
    for (const biased of [false, true]) {
      const expected = mmdHost(X0, Y0, host, biased);
      const v = mmd(shift(X0, c), shift(Y0, c), { kernel, biased });
      expectClose(v, expected, { rtol: 1e-4, atol: 1e-6, label: `shift ${c}, biased ${biased}` });
      v.dispose();
    }
  });

  it('two samples 10⁴ apart (each far from the pooled mean): the within-sample terms stay exact', () => {
    const x = X0;
    const y = shift(Y0, 1e4);
    for (const biased of [false, true]) {
      const v = mmd(x, y, { kernel: rbfKernel({ bandwidth: 1 }), biased });
      expectClose(v, mmdHost(x, y, rbf(1), biased), { rtol: 1e-5, atol: 1e-6 });
      v.dispose();
    }
  });

  it('gradients on the shifted and on the separated case match float64 finite differences element-wise', () => {
    for (const [name, xs, ys, kernel, host] of [
      ['both shifted by 1e4, RBF h = 1', shift(X0, 1e4), shift(Y0, 1e4), rbfKernel({ bandwidth: 1 }), rbf(1)],
      ['both shifted by 1e3, IMQ c = 2, β = 1', shift(X0, 1e3), shift(Y0, 1e3), inverseMultiquadricKernel({ scale: 2, exponent: 1 }), imq(2, 1)],
      ['y 1e3 from x, RBF h = 1', X0, shift(Y0, 1e3), rbfKernel({ bandwidth: 1 }), rbf(1)],
      ['y 1e4 from x, IMQ c = 1, β = ½', X0, shift(Y0, 1e4), inverseMultiquadricKernel(), imq(1, 0.5)],
    ] as const) {
      const [gx, gy] = mmdHostGradFd(xs, ys, host, false);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => mmd(a, b, { kernel }))([tf.tensor2d(xs), tf.tensor2d(ys)]);
      const scale = Math.max(...[...gx.flat(), ...gy.flat()].map(Math.abs));
      expectClose(g[0]!, gx, { rtol: 1e-3, atol: 1e-4 * scale, label: `∂/∂x, ${name}` });
      expectClose(g[1]!, gy, { rtol: 1e-3, atol: 1e-4 * scale, label: `∂/∂y, ${name}` });
      tf.dispose(g);
    }
  });

  it('large samples ((n + m)²·d above the direct-difference budget): value and gradient against float64', () => {
    const x = shift(gridSample(600, 4, 3), 1e4);
    const y = shift(gridSample(600, 4, 4, 0.5), 1e4);
    const kernel = rbfKernel({ bandwidth: 1 });
    const v = mmd(x, y, { kernel });
    expectClose(v, mmdHost(x, y, rbf(1), false), { rtol: 1e-4, atol: 1e-5 });
    const [gx, gy] = mmdHostGradRbf(x, y, 1);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => mmd(a, b, { kernel }))([tf.tensor2d(x), tf.tensor2d(y)]);
    expect(worstRelative(g[0]!.dataSync(), gx.flat())).toBeLessThan(1e-3);
    expect(worstRelative(g[1]!.dataSync(), gy.flat())).toBeLessThan(1e-3);
    tf.dispose([v, ...g]);
    const far = shift(y, 1e3); // 1e3 apart, each sample 500 from the pooled mean
    const w = mmd(x, far, { kernel });
    expectClose(w, mmdHost(x, far, rbf(1), false), { rtol: 1e-4, atol: 1e-5 });
    w.dispose();
  });
});

/** the median of ‖z_i − z_j‖ over i < j, in float64 (the middle pair averaged for an even count) */
function medianDistance(z: number[][]): number {
  const d: number[] = [];
  z.forEach((a, i) => z.forEach((b, j) => j > i && d.push(Math.sqrt(sq(a, b)))));
  d.sort((a, b) => a - b);
  return (d[(d.length - 1) >> 1]! + d[d.length >> 1]!) / 2;
}

describe('rbfKernel median heuristic (Gretton et al. 2012 §8; Garreau et al. 2017): h = median distance', () => {
  const rbf1 = (h: number) => (d2: number) => Math.exp(-d2 / (2 * h * h));
  it.each([
    ['1-d, 6 pairs (even)', [[0], [1], [3], [7]]],
    ['2-d, 10 pairs (even)', [[0, 0], [3, 0.5], [-0.5, 2], [1.5, -4], [0.25, 0.75]]],
    ['2-d, 15 pairs (odd)', [[0, 0], [3, 0.5], [-0.5, 2], [1.5, -4], [0.25, 0.75], [5, 5]]],
  ] as const)('%s: the kernel matrix against float64', (_name, pts) => {
    const z = pts as unknown as number[][];
    const h = medianDistance(z);
    const d2 = z.map((a) => z.map((b) => sq(a, b)));
    const k = rbfKernel()(tf.tensor2d(d2));
    expectClose(k, d2.map((r) => r.map(rbf1(h))), { rtol: 1e-6, atol: 1e-7 });
    k.dispose();
  });
});
