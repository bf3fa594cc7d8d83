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

  it('the median heuristic sets h² to the median squared distance between distinct pooled points', () => {
    const pooled = [...X, ...Y];
    const d2: number[] = [];
    pooled.forEach((a, i) => pooled.forEach((b, j) => j > i && d2.push(sq(a, b))));
    d2.sort((a, b) => a - b);
    const med = (d2[(d2.length - 1) >> 1]! + d2[d2.length >> 1]!) / 2;
    const m = expectNoLeaks(() => mmd(X, Y)); // default kernel: rbfKernel() with the median heuristic
    expectClose(m, mmdHost(X, Y, rbf(Math.sqrt(med)), false), { rtol: 1e-5, atol: 1e-6 });
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
