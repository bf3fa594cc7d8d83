import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { energyDistance } from './energy-distance.js';
import { divergences } from '../test/golden.js';

const cases = divergences().wasserstein1_1d;
// 2E|X−Y| − E|X−X'| − E|Y−Y'| cancels O(1) float32 sums of up to 10⁴ terms down to D² ≈ 0.05: rtol 1e-4 on D
const E_TOL = { rtol: 1e-4, atol: 1e-6 };

/** the multivariate V-statistic in float64 */
function energyHost(x: number[][], y: number[][]): number {
  const d = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
  const mean = (s: number[][], t: number[][]) => s.reduce((acc, a) => acc + t.reduce((b, c) => b + d(a, c), 0), 0) / (s.length * t.length);
  return Math.sqrt(2 * mean(x, y) - mean(x, x) - mean(y, y));
}

describe('energyDistance against scipy.stats.energy_distance (divergences.json wasserstein1_1d)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const e = expectNoLeaks(() => energyDistance(c.u, c.v, { uWeights: c.u_weights ?? undefined, vWeights: c.v_weights ?? undefined }));
    expectClose(e, c.energy_distance, E_TOL);
    e.dispose();
  });

  it('multivariate samples use the Euclidean norm (float64 reference)', () => {
    const x = [[0, 0], [1, 2], [3, -1], [0.5, 0.5]];
    const y = [[2, 2], [1, 0], [-1, 1]];
    const e = energyDistance(x, y);
    expectClose(e, energyHost(x, y), E_TOL);
    e.dispose();
  });

  it('is translation invariant far from the origin (issue 14): differences are formed directly, not from |x|² + |y|² − 2x·y', () => {
    // points on the grid 2⁻⁶: integer offsets up to 2¹⁶ are exact in float32
    const x = [[0, 0], [1, 2], [3, -1], [0.5, 0.5], [-0.25, 1.75]];
    const y = [[2, 2], [1, 0], [-1, 1], [0.125, -0.5]];
    const at = (s: number[][], c: number) => s.map((p) => p.map((v) => v + c));
    for (const [cx, cy] of [[1e4, 1e4], [1e3, 1e3], [0, 1e4]] as const) {
      const e = energyDistance(at(x, cx), at(y, cy));
      expectClose(e, energyHost(at(x, cx), at(y, cy)), E_TOL);
      e.dispose();
    }
    checkGradient((t) => energyDistance(t, at(y, 1e4)), tf.tensor2d(at(x, 1e4)), { eps: 1e-2 });
  });

  it('is differentiable, with finite gradients between coincident points and at D = 0', () => {
    checkGradient((t) => energyDistance(t, [[2, 2], [1, 0], [-1, 1]]), tf.tensor2d([[0, 0], [1, 2], [3, -1]]), { eps: 1e-2 });
    checkGradient((t) => energyDistance(t, [0.5, 2, -1, 4]), tf.tensor1d([0.1, 3, -2]), { eps: 1e-2 });
    const x = tf.tensor2d([[0, 0], [0, 0], [1, 1]]);
    const g = tf.grad((t: tf.Tensor) => energyDistance(t, [[0, 0], [0, 0], [1, 1]]))(x);
    expectFinite(g);
    tf.dispose([x, g]);
  });

  it('names mistakes', () => {
    expectThrowsClean(() => energyDistance([[1, 2]], [1, 2]), /energyDistance: u and v must be samples of the same dimension/);
    expectThrowsClean(() => energyDistance([1, 2], [1], { vWeights: [1, 2] }), /energyDistance: options.vWeights must be of shape \[1\] \(one weight per point of v\), got shape \[2\]/);
    expectThrowsClean(() => energyDistance([1, 2], [1], { uWeights: [0, 0] }), /energyDistance: options.uWeights must be finite non-negative weights with a positive sum/);
  });
});
