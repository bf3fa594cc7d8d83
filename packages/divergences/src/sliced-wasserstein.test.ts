import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { slicedWasserstein } from './sliced-wasserstein.js';
import { wassersteinSorted } from './wasserstein.js';

describe('slicedWasserstein', () => {
  it('in one dimension is the exact W_p (directions ±1)', () => {
    const u = [0.3, -1, 2, 5, 0];
    const v = [1, 1, -2, 0.5, 3];
    const sw = expectNoLeaks(() => slicedWasserstein(u.map((x) => [x]), v.map((x) => [x]), { projections: 7, seed: 1 }));
    const w = wassersteinSorted(u, v, { p: 2 });
    expectClose(sw, w, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([sw, w]);
  });

  it('a shift s gives SW₂² = |s|²/d in expectation over directions (d = 2, 3)', () => {
    for (const [d, shift] of [[2, [3, 4]], [3, [1, 2, 2]]] as const) {
      const x = tf.randomNormal([64, d], 0, 1, 'float32', 11);
      const y = tf.add(x, tf.tensor1d(shift as unknown as number[]));
      const sw = slicedWasserstein(x, y, { projections: 4000, seed: 3 });
      const s2 = (shift as readonly number[]).reduce((a, b) => a + b * b, 0);
      // Var[(θ·s)²] over θ on the sphere is O(|s|⁴/d²): 4000 directions give ~2% on SW²
      expect(Math.abs(sw.dataSync()[0]! ** 2 - s2 / d) / (s2 / d), `d = ${d}`).toBeLessThan(0.05);
      tf.dispose([x, y, sw]);
    }
  });

  it('takes its own directions (normalized), and the seed fixes the random ones', () => {
    const x = [[0, 0], [1, 1]];
    const y = [[3, 0], [4, 1]];
    const a = slicedWasserstein(x, y, { directions: [[2, 0]] }); // projection on e₁: shift 3
    expectClose(a, 3, { rtol: 1e-6, atol: 1e-6 });
    const b = slicedWasserstein(x, y, { seed: 5 });
    const c = slicedWasserstein(x, y, { seed: 5 });
    expectClose(b, c, { rtol: 0, atol: 0 });
    tf.dispose([a, b, c]);
  });

  it('is differentiable (finite differences at fixed directions; finite at x = y)', () => {
    const dirs = [[1, 0.5], [-0.3, 1], [0.7, 0.7]];
    checkGradient((t) => slicedWasserstein(t, [[1, 2], [0, -1], [3, 3]], { directions: dirs }), tf.tensor2d([[0, 0.5], [2, 1], [-1, 4.5]]), { eps: 1e-2 }); // no ties between projections (a tie is a kink)
    const x = tf.tensor2d([[0, 0], [1, 1]]);
    const g = tf.grad((t: tf.Tensor) => slicedWasserstein(t, [[0, 0], [1, 1]], { seed: 1 }))(x);
    expectFinite(g);
    tf.dispose([x, g]);
  });

  it('names mistakes', () => {
    expectThrowsClean(() => slicedWasserstein([[1, 2]], [[1, 2], [3, 4]]), /slicedWasserstein: x and y must be of the same shape, got \[1, 2\] and \[2, 2\]/);
    expectThrowsClean(() => slicedWasserstein([1, 2], [1, 2]), /slicedWasserstein: x must be a non-empty sample of shape \[n, d\], got shape \[2\]/);
    expectThrowsClean(() => slicedWasserstein([[1, 2]], [[1, 2]], { projections: 0 }), /slicedWasserstein: options.projections must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => slicedWasserstein([[1, 2]], [[1, 2]], { directions: [[1, 2, 3]] }), /slicedWasserstein: options.directions must be of shape \[L, 2\], got shape \[1, 3\]/);
  });
});

/** SW_p at the given directions (normalized), in float64: project, sort, the p-mean of the differences */
function slicedHost(x: number[][], y: number[][], dirs: number[][], p: number): number {
  let total = 0;
  for (const t of dirs) {
    const norm = Math.hypot(...t);
    const proj = (s: number[][]) => s.map((q) => q.reduce((a, v, i) => a + (v * t[i]!) / norm, 0)).sort((a, b) => a - b);
    const px = proj(x);
    const py = proj(y);
    px.forEach((v, i) => (total += Math.abs(v - py[i]!) ** p));
  }
  return (total / (dirs.length * x.length)) ** (1 / p);
}

describe('slicedWasserstein far from the origin (issue 14: projections by cancellation)', () => {
  // points on the grid 2⁻⁶, spread ≈ 1: an integer offset up to 2¹⁶ is exact in float32
  const grid = (n: number, d: number, seed: number, centre: number) => {
    let s = seed >>> 0;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    return Array.from({ length: n }, () => Array.from({ length: d }, () => centre + Math.round(128 * (u() + u() + u() - 1.5)) / 64));
  };
  const dirs = [[1, 2, -0.5], [0.3, -1, 0.7], [-2, 0.1, 1], [0.6, 0.6, 0.6]];
  it.each([[1e3, 1e3, 2], [1e4, 1e4, 2], [1e4, 1e4, 1], [0, 1e4, 2]] as const)(
    'x at %d, y at %d + 5/16 (p = %d): equals the float64 value element-wise, with its gradient',
    (cx, cy, p) => {
      const x = grid(16, 3, 1, cx);
      const y = grid(16, 3, 2, cy + 0.3125);
      const sw = slicedWasserstein(x, y, { directions: dirs, p });
      expectClose(sw, slicedHost(x, y, dirs, p), { rtol: 1e-5, atol: 1e-6 });
      // gradient against float64 central differences of the host value (sorting is locally constant)
      const step = 1e-6;
      const fd = x.map((q, i) => q.map((_, a) => {
        const at = (h: number) => slicedHost(x.map((r, j) => r.map((v, b) => (j === i && b === a ? v + h : v))), y, dirs, p);
        return (at(step) - at(-step)) / (2 * step);
      }));
      const g = tf.grad((t: tf.Tensor) => slicedWasserstein(t, y, { directions: dirs, p }))(tf.tensor2d(x));
      expectClose(g, fd, { rtol: 1e-3, atol: 1e-4 * Math.max(...fd.flat().map(Math.abs)) });
      tf.dispose([sw, g]);
    },
  );
});
