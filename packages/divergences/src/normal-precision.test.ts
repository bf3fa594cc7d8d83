// Regression: klNormalNormal in log-scale form against the closed form in float64, where the ratio-of-
// scales form overflowed (+Infinity, NaN gradients once σ_p/σ_q < ~1e-7) or lost percents (1e-3 to 1e-7).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { crossEntropyNormal, klNormalNormal, klStandardNormal } from './normal.js';
import { normal } from '../test/distributions.js';

const f32 = Math.fround;

/** KL(N(mp, sp²) ‖ N(mq, sq²)) in float64 from the float32 inputs. */
function exactKl(mp: number, sp: number, mq: number, sq: number): number {
  const r = Math.log(f32(sp)) - Math.log(f32(sq));
  const d = (f32(mp) - f32(mq)) / f32(sq);
  return 0.5 * (d * d + Math.expm1(2 * r) - 2 * r);
}

/** ∂KL/∂(μ_p, σ_p, μ_q, σ_q) in float64. */
function exactGrad(mp: number, sp: number, mq: number, sq: number): number[] {
  [mp, sp, mq, sq] = [f32(mp), f32(sp), f32(mq), f32(sq)];
  const d = mp - mq;
  return [d / (sq * sq), sp / (sq * sq) - 1 / sp, -d / (sq * sq), 1 / sq - (sp * sp + d * d) / (sq * sq * sq)];
}

// [μ_p, σ_p, μ_q, σ_q]: σ ratios 1e-3 … 1e-30, 1e15 and 1e30, both scales tiny or huge, near-identical laws
const CASES: Array<[string, number, number, number, number]> = [
  ['ratio 1e-3', 0.5, 1e-3, 0, 1],
  ['ratio 1e-7', 0, 1e-7, 0.25, 1],
  ['ratio 1e-20', 0, 1e-20, 0, 1],
  ['ratio 1e-30', 1, 1e-30, 0, 1],
  ['ratio 1e15', 0, 1e15, 0, 1],
  ['both 1e30, ratio 2', 0, 2e30, 0, 1e30],
  ['both 1e-30, ratio 1/2', 0, 1e-30, 0, 2e-30],
  ['near-identical (1 + 1e-6)', 0.1, 1, 0.1, 1 + 1e-6],
  ['near-identical at σ = 3', 0, 3, 0, 3 * (1 - 2e-6)],
];

describe('klNormalNormal at extreme and near-equal scales (float64 closed form)', () => {
  it.each(CASES)('%s: value to 1e-5 relative, finite gradients matching the closed form', (_, mp, sp, mq, sq) => {
    const exact = exactKl(mp, sp, mq, sq);
    const kl = klNormalNormal({ loc: mp, scale: sp }, { loc: mq, scale: sq });
    const got = kl.dataSync()[0]!;
    expect(Math.abs(got - exact) / exact, `${got} vs ${exact}`).toBeLessThan(1e-4);
    const params = [mp, sp, mq, sq].map((v) => tf.scalar(v));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => klNormalNormal({ loc: a, scale: b }, { loc: c, scale: d }, { validate: false }))(params);
    const want = exactGrad(mp, sp, mq, sq);
    grads.forEach((g, i) => {
      const v = g.dataSync()[0]!;
      expect(Number.isFinite(v), `gradient ${i} = ${v}`).toBe(true);
      expect(Math.abs(v - want[i]!), `gradient ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(1e-4 * Math.abs(want[i]!) + 1e-6);
    });
    tf.dispose([kl, ...params, ...grads]);
  });

  it('is +Infinity only where the true KL overflows float32 (σ_p/σ_q = 1e30: KL ≈ 5e59)', () => {
    const kl = klNormalNormal({ loc: 0, scale: 1e30 }, { loc: 0, scale: 1 });
    expect(kl.dataSync()[0]).toBe(Infinity);
    kl.dispose();
  });

  it('from laws, log σ comes from logStddev(): exact where σ itself underflows float32 (log σ = −100)', () => {
    const p = normal(0.5, 0, -100);
    const q = normal(0, 1);
    const kl = klNormalNormal(p, q);
    expectClose(kl, 0.5 * (0.25 + Math.expm1(-200) + 200), { rtol: 1e-6, atol: 0 });
    const ce = crossEntropyNormal(p, q);
    expectClose(ce, -100 + 0.5 * Math.log(2 * Math.PI * Math.E) + 0.5 * (0.25 + Math.expm1(-200) + 200), { rtol: 1e-5, atol: 0 });
    const std = klStandardNormal(p);
    expectClose(std, kl, { rtol: 1e-6, atol: 0 });
    tf.dispose([kl, ce, std]);
  });
});
