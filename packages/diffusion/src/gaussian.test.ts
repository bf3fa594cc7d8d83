import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { discretizedGaussianLogLikelihood, normalKl } from './index.js';

/** Φ(b) − Φ(a) by composite Simpson on the density (float64), for the check. */
function gaussianMass(a: number, b: number, mean: number, sd: number): number {
  const lo = Math.max(a, mean - 14 * sd);
  const hi = Math.min(b, mean + 14 * sd);
  if (hi <= lo) return 0;
  const n = 4000;
  const h = (hi - lo) / n;
  const f = (x: number) => Math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}

describe('normalKl', () => {
  it('matches the closed form, is 0 for equal Gaussians, broadcasts', () => {
    const kl = expectNoLeaks(() => normalKl({ loc: [0, 1, -2], logVar: [0, Math.log(0.5), 1] }, { loc: [1, 1, 0], logVar: [Math.log(2), Math.log(0.5), -1] }));
    const want = [[0, 0, 1, Math.log(2)], [1, Math.log(0.5), 1, Math.log(0.5)], [-2, 1, 0, -1]].map(([m1, l1, m2, l2]) => 0.5 * (-1 + l2! - l1! + Math.exp(l1! - l2!) + (m1! - m2!) ** 2 * Math.exp(-l2!)));
    expectClose(kl, want, { rtol: 1e-6, atol: 1e-7 });
    expect(want[1]).toBe(0);
    const wide = normalKl({ loc: [[0], [1]], logVar: 0 }, { loc: [0, 1, 2], logVar: 0 });
    expect(wide.shape).toEqual([2, 3]);
    wide.dispose();
    kl.dispose();
  });

  it('is differentiable in every argument', () => {
    const x = tf.tensor1d([0.3, -0.2, 0.1, 0.5]);
    checkGradient((v) => tf.sum(normalKl({ loc: tf.slice(v, 0, 1), logVar: tf.slice(v, 1, 1) }, { loc: tf.slice(v, 2, 1), logVar: tf.slice(v, 3, 1) })) as tf.Scalar, x);
    x.dispose();
  });

  it('is exact (no cancellation) for nearly equal Gaussians and finite for extreme variances', () => {
    const kl = normalKl({ loc: [0, 0], logVar: [1e-4, 40] }, { loc: [0, 0], logVar: [0, -40] });
    const [near, far] = Array.from(kl.dataSync());
    // ½·(e^r − 1 − r) with r = 1e−4: ≈ r²/4 = 2.5e−9, lost to cancellation in the naive form
    expect(near! / 2.5000833e-9).toBeCloseTo(1, 4);
    expect(Number.isFinite(far)).toBe(true);
    kl.dispose();
  });

  it('names shapes that do not broadcast, and bad { loc, logVar } arguments', () => {
    expectThrowsClean(() => normalKl({ loc: [1, 2], logVar: 0 }, { loc: [1, 2, 3], logVar: 0 }), /normalKl: p\.loc, p\.logVar and q\.loc must be broadcastable shapes, got \[2\] and \[3\]/);
    expectThrowsClean(() => normalKl({ loc: 0, logVar: 0, scale: 1 } as never, { loc: 0, logVar: 0 }), /normalKl: unknown key of p 'scale'/);
    expectThrowsClean(() => normalKl({ loc: 0, logVar: 0 }, { loc: 0 } as never), /normalKl: q\.logVar must be a float32 tensor or a \(nested\) array of numbers, got undefined/);
    expectThrowsClean(() => normalKl(0 as never, { loc: 0, logVar: 0 }), /normalKl: p must be an object \{ loc, logVar \}, got 0/);
  });
});

describe('discretizedGaussianLogLikelihood', () => {
  const grid = Array.from({ length: 256 }, (_, k) => -1 + (2 * k) / 255);

  it.each([[0.1, 0.2], [-0.95, 0.01], [0.7, 0.004], [0, 3]])('N(%s, %s²): the 256 bin masses sum to 1 and match the density integrated over each bin', (mean, sd) => {
    const logp = expectNoLeaks(() => discretizedGaussianLogLikelihood(grid, mean, Math.log(sd)));
    const p = Array.from(logp.dataSync(), Math.exp);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const want = grid.map((x, k) => gaussianMass(k === 0 ? -Infinity : x - 1 / 255, k === 255 ? Infinity : x + 1 / 255, mean, sd));
    // compare where the mass is above the 1e-12 floor (float32 CDF differences: ~1e-7 absolute)
    grid.forEach((_, k) => {
      if (want[k]! > 1e-5) expect(Math.abs(p[k]! - want[k]!), `bin ${k}`).toBeLessThan(2e-6 + 1e-3 * want[k]!);
    });
    logp.dispose();
  });

  it('is differentiable in the mean and the log-scale (the mask is off the gradient path)', () => {
    const params = tf.tensor1d([0.05, Math.log(0.3)]);
    checkGradient((v) => tf.sum(discretizedGaussianLogLikelihood([-1, -0.2, 0.5, 1], tf.slice(v, 0, 1), tf.slice(v, 1, 1))) as tf.Scalar, params, { eps: 1e-2, rtol: 2e-2 });
    params.dispose();
  });
});
