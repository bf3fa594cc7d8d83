/**
 * Issue 14 ("Numerical edges"): regression tests, element-wise against closed forms evaluated here in
 * float64 at the float32 inputs the library sees.
 *  1. one class (K = 1): sampleCategorical, gumbelMax, gumbelTopK (k = 1), gumbelSoftmax (soft and hard),
 *     RelaxedOneHotCategorical / ExpRelaxedOneHotCategorical (logProb 0 at the only point, torch's value);
 *  3. Gumbel.logProb's and Gumbel.logCdf's gradients in β (and x, μ) for β from 1e−30 to 1e38, far into
 *     the left tail where e^(−z) overflows float32.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks } from '@genmod-internal/testing';
import { Gumbel } from './gumbel.js';
import { gumbelMax } from './gumbel-max.js';
import { gumbelSoftmax } from './gumbel-softmax.js';
import { gumbelTopK } from './gumbel-top-k.js';
import { ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';
import { sampleCategorical } from './sample-categorical.js';

const F32_MAX = 3.4028234663852886e38;
const f = Math.fround;
const representable = (v: number) => Number.isFinite(v) && Math.abs(v) <= F32_MAX;
/** results below 2⁻¹²⁶ are subnormal float32 (absolute spacing 2⁻¹⁴⁹): judged on an absolute scale of 1e−39 */
const SUBNORMAL = 1e-39;

describe('issue 14, class 1: one class (K = 1)', () => {
  it('sampleCategorical, gumbelMax, gumbelTopK(k = 1) return class 0; gumbelSoftmax returns [1]', () => {
    const logits = [[2], [-3], [0]];
    const r = expectNoLeaks(() => ({
      sc: sampleCategorical(logits, { seed: 1 }),
      sct: sampleCategorical(logits, { seed: 1, temperature: 0.3, topK: 1 }),
      gm: gumbelMax(logits, { seed: 2 }),
      tk: gumbelTopK(logits, 1, { seed: 3 }),
      soft: gumbelSoftmax(logits, { seed: 4, temperature: 0.5 }),
      hard: gumbelSoftmax(logits, { seed: 4, temperature: 0.5, hard: true }),
    }));
    for (const k of [r.sc, r.sct, r.gm]) {
      expect(k.dtype).toBe('int32');
      expect(k.shape).toEqual([3]);
      expect(Array.from(k.dataSync())).toEqual([0, 0, 0]);
    }
    expect(r.tk.shape).toEqual([3, 1]);
    expect(Array.from(r.tk.dataSync())).toEqual([0, 0, 0]);
    expectClose(r.soft, [[1], [1], [1]], { atol: 0, rtol: 0 });
    expectClose(r.hard, [[1], [1], [1]], { atol: 0, rtol: 0 });
    tf.dispose(Object.values(r));
  });

  it('RelaxedOneHotCategorical: draws [1], logProb([1]) = 0 with zero gradient; Exp form: draws [0], logProb 0', () => {
    for (const params of [{ logits: [[2], [-1]], temperature: 0.5 }, { probs: [[0.3], [1]], temperature: 2 }]) {
      const d = new RelaxedOneHotCategorical(params);
      const e = new ExpRelaxedOneHotCategorical(params);
      expect(d.numCategories).toBe(1);
      const r = expectNoLeaks(() => ({
        x: d.sample([4], { seed: 1 }),
        xr: d.rsample([4], { seed: 1 }),
        lp: d.logProb([[1], [1]]),
        y: e.sample([4], { seed: 1 }),
        lq: e.logProb([[0], [0]]),
      }));
      expect(r.x.shape).toEqual([4, 2, 1]);
      expect(Array.from(r.x.dataSync())).toEqual(new Array(8).fill(1));
      expect(Array.from(r.xr.dataSync())).toEqual(new Array(8).fill(1));
      expect(Array.from(r.y.dataSync()).map((v) => v + 0)).toEqual(new Array(8).fill(0));
      // torch.distributions.RelaxedOneHotCategorical(T, logits=[c]).log_prob([1.]) = 0 (and Exp…Categorical at [0.])
      expectClose(r.lp, [0, 0], { atol: 0, rtol: 0 });
      expectClose(r.lq, [0, 0], { atol: 0, rtol: 0 });
      tf.dispose(Object.values(r));
      d.dispose();
      e.dispose();
    }
    const g = tf.grad((l: tf.Tensor) => new RelaxedOneHotCategorical({ logits: l, temperature: 0.5 }).logProb([[1], [1]]))(tf.tensor2d([[2], [-1]]));
    expectClose(g, [[0], [0]], { atol: 0, rtol: 0 });
    g.dispose();
  });
});

describe('issue 14, class 3: Gumbel.logProb gradients far out', () => {
  const betas = [1e-30, 1e-20, 1e-5, 1, 1e5, 1e20, 1e30, 1e38].map(f);
  const zs = [0, 1e-3, 1, -1, 5, 30, 80, -5, -30, -80, -88, -95, -100, -150];
  const pts = betas.flatMap((b) => zs.map((z) => ({ b, x: f(z * b), loc: 0 }))).filter((p) => Number.isFinite(p.x));

  it('value, ∂/∂x = (e^(−z) − 1)/β = −∂/∂μ, ∂/∂β = −(1 + z·(e^(−z) − 1))/β element-wise (float64 references)', () => {
    const x = tf.tensor1d(pts.map((p) => p.x));
    const b = tf.tensor1d(pts.map((p) => p.b));
    const mu = tf.zeros([pts.length]);
    const [gx, gm, gb] = tf.grads((xx: tf.Tensor, mm: tf.Tensor, bb: tf.Tensor) => tf.sum(new Gumbel({ loc: mm, scale: bb }).logProb(xx)))([x, mu, b]);
    const lp = new Gumbel({ loc: mu, scale: b }).logProb(x);
    const z = pts.map((p) => p.x / p.b);
    // float32 carries z with relative error 2⁻²⁴, which e^(−z) amplifies by |z|: the tolerance grows with |z|
    const tol = z.map((zi) => 1e-5 + 2e-7 * Math.abs(zi));
    let worst = 0;
    const check = (label: string, actual: ArrayLike<number>, expected: number[], size: number[]) => {
      let n = 0;
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!;
        if (!representable(e)) {
          if (label === 'logProb') expect(actual[i], `${label}[${i}]`).toBe(-Infinity);
          continue;
        }
        n++;
        const a = actual[i]!;
        const rel = Math.abs(a - e) / Math.max(size[i]!, SUBNORMAL);
        if (!(rel <= tol[i]!)) throw new Error(`${label}[${i}] (z = ${z[i]}, β = ${pts[i]!.b}): actual ${a}, expected ${e} (relative error ${rel})`);
        worst = Math.max(worst, rel / tol[i]! * 1e-5);
      }
      return n;
    };
    const em = z.map((zi) => Math.exp(-zi));
    check('logProb', lp.dataSync(), pts.map((p, i) => -Math.log(p.b) - z[i]! - em[i]!), pts.map((p, i) => Math.abs(Math.log(p.b)) + Math.abs(z[i]!) + em[i]!));
    const gxExp = pts.map((p, i) => Math.expm1(-z[i]!) / p.b);
    const nx = check('∂/∂x', gx!.dataSync(), gxExp, pts.map((p, i) => (em[i]! + 1) / p.b));
    check('∂/∂μ', gm!.dataSync(), gxExp.map((v) => -v), pts.map((p, i) => (em[i]! + 1) / p.b));
    const gbExp = pts.map((p, i) => -(1 + z[i]! * Math.expm1(-z[i]!)) / p.b);
    const nb = check('∂/∂β', gb!.dataSync(), gbExp, pts.map((p, i) => (1 + Math.abs(z[i]!) * (em[i]! + 1)) / p.b));
    expect(nx).toBeGreaterThan(70);
    expect(nb).toBeGreaterThan(70);
    // the cases where e^(−z) overflows float32 but the gradient is an ordinary number are among them
    expect(pts.filter((p, i) => em[i]! > F32_MAX && representable(gbExp[i]!)).length).toBeGreaterThan(5);
    tf.dispose([x, b, mu, gx!, gm!, gb!, lp]);
  });

  it('logCdf: value −e^(−z), ∂/∂x = e^(−z)/β, ∂/∂β = −z·e^(−z)/β element-wise; cdf gradients 0, not NaN, past the tail', () => {
    const x = tf.tensor1d(pts.map((p) => p.x));
    const b = tf.tensor1d(pts.map((p) => p.b));
    const [gx, gb] = tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(new Gumbel({ loc: 0, scale: bb }).logCdf(xx)))([x, b]);
    const lc = new Gumbel({ loc: 0, scale: b }).logCdf(x);
    const z = pts.map((p) => p.x / p.b);
    const em = z.map((zi) => Math.exp(-zi));
    const tol = z.map((zi) => 1e-5 + 2e-7 * Math.abs(zi));
    const check = (label: string, actual: ArrayLike<number>, expected: number[], size: number[]) => {
      let n = 0;
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!;
        if (!representable(e)) {
          if (label === 'logCdf') expect(actual[i], `${label}[${i}]`).toBe(-Infinity);
          continue;
        }
        n++;
        const rel = Math.abs(actual[i]! - e) / Math.max(size[i]!, SUBNORMAL);
        if (!(rel <= tol[i]!)) throw new Error(`${label}[${i}] (z = ${z[i]}, β = ${pts[i]!.b}): actual ${actual[i]}, expected ${e} (relative error ${rel})`);
      }
      return n;
    };
    check('logCdf', lc.dataSync(), em.map((e) => -e), em);
    expect(check('∂/∂x', gx!.dataSync(), pts.map((p, i) => em[i]! / p.b), pts.map((p, i) => em[i]! / p.b))).toBeGreaterThan(70);
    const gbExp = pts.map((p, i) => (-z[i]! * em[i]!) / p.b);
    expect(check('∂/∂β', gb!.dataSync(), gbExp, gbExp.map(Math.abs))).toBeGreaterThan(70);
    // F = exp(log F) is 0 past z = −4.5: its gradient is 0 there (not 0·Infinity = NaN)
    const [cx, cb] = tf.grads((xx: tf.Tensor, bb: tf.Tensor) => tf.sum(new Gumbel({ loc: 0, scale: bb }).cdf(xx)))([x, b]);
    for (const g of [cx!, cb!]) {
      const v = g.dataSync();
      pts.forEach((_, i) => {
        if (z[i]! < -5) expect(v[i], `cdf gradient at z = ${z[i]}`).toBe(0);
        else expect(Number.isNaN(v[i])).toBe(false);
      });
    }
    tf.dispose([x, b, gx!, gb!, lc, cx!, cb!]);
  });

  it('second derivatives still flow: ∂²/∂x² log p = −e^(−z)/β², ∂²/∂x² log F = −e^(−z)/β², ∂²/∂β² log p', () => {
    const x = tf.tensor1d([1.5, -0.3, 4]);
    const b = tf.tensor1d([2, 0.5, 3]);
    const exp = [[1.5, 2], [-0.3, 0.5], [4, 3]].map(([xv, bv]) => -Math.exp(-xv! / bv!) / bv! ** 2);
    const h1 = tf.grad((xx: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(new Gumbel({ loc: 0, scale: b }).logProb(y)))(xx)))(x);
    const h2 = tf.grad((xx: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(new Gumbel({ loc: 0, scale: b }).logCdf(y)))(xx)))(x);
    expectClose(h1, exp, { rtol: 1e-5 });
    expectClose(h2, exp, { rtol: 1e-5 });
    // ∂²/∂β² log p against central differences of the float64 ∂/∂β = −(1 + z·expm1(−z))/β
    const dB = (xv: number, bv: number) => -(1 + (xv / bv) * Math.expm1(-xv / bv)) / bv;
    const h3 = tf.grad((bb: tf.Tensor) => tf.sum(tf.grad((bv: tf.Tensor) => tf.sum(new Gumbel({ loc: 0, scale: bv }).logProb(x)))(bb)))(b);
    expectClose(h3, [[1.5, 2], [-0.3, 0.5], [4, 3]].map(([xv, bv]) => (dB(xv!, bv! + 1e-6) - dB(xv!, bv! - 1e-6)) / 2e-6), { rtol: 1e-4 });
    tf.dispose([x, b, h1, h2, h3]);
  });

  it('broadcast parameters get gradients of their own shape', () => {
    const b = tf.tensor1d([1e20, 1]);
    const [gb] = tf.grads((bb: tf.Tensor) => tf.sum(new Gumbel({ loc: 0, scale: bb }).logProb([[1e20, 1], [-8e21, -80]])))([b]);
    expect(gb!.shape).toEqual([2]);
    const g = (z: number, beta: number) => -(1 + z * Math.expm1(-z)) / beta;
    expectClose(gb!, [g(1, 1e20) + g(-80, 1e20), g(1, 1) + g(-80, 1)], { rtol: 5e-5, atol: 0 });
    tf.dispose([b, gb!]);
  });
});
