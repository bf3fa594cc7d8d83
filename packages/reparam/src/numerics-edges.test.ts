/**
 * Issue 14 ("Numerical edges"): regression tests, element-wise against closed forms evaluated here in float64
 * (inputs rounded to float32 first): one class (K = 1) in Categorical, and log-density gradients in the scale
 * for σ from 1e−38 to 1e38 (Normal from scale, logScale, logVar; Logistic), with the Normal value at x = μ
 * where σ underflows. Uniform wider than the float32 range: uniform-edges.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks } from '@genmod-internal/testing';
import { Categorical } from './categorical.js';
import { Logistic } from './logistic.js';
import { Normal } from './normal.js';
import { f, HALF_LOG_2PI, SUBNORMAL, expectElementwise, representable } from '../test/elementwise.js';

describe('issue 14, class 1: Categorical with one class (K = 1)', () => {
  it('logProb(0) = 0 (log 1), out-of-range −Infinity, zero gradient; sample, mode 0; entropy 0; probs [1]', () => {
    const zero = tf.tensor1d([0, 0], 'int32');
    const outside = tf.tensor1d([1, -1], 'int32');
    for (const params of [{ logits: [[3], [-2]] }, { probs: [[0.4], [1]] }]) {
      const c = new Categorical(params);
      expect(c.numCategories).toBe(1);
      const r = expectNoLeaks(() => ({
        lp: c.logProb(zero),
        lpf: c.logProb([[0], [0]]),
        out: c.logProb(outside),
        p: c.prob([0, 0]),
        s: c.sample([5], { seed: 1 }),
        m: c.mode(),
        h: c.entropy(),
        pi: c.probsParameter(),
        lpi: c.logitsParameter(),
      }));
      expectClose(r.lp, [0, 0], { atol: 0, rtol: 0 });
      expectClose(r.lpf, [[0, 0], [0, 0]], { atol: 0, rtol: 0 });
      expect(Array.from(r.out.dataSync())).toEqual([-Infinity, -Infinity]);
      expectClose(r.p, [1, 1], { atol: 0, rtol: 0 });
      expect(r.s.shape).toEqual([5, 2]);
      expect(r.s.dtype).toBe('int32');
      expect(Array.from(r.s.dataSync())).toEqual(new Array(10).fill(0));
      expect(Array.from(r.m.dataSync())).toEqual([0, 0]);
      expectClose(r.h, [0, 0], { atol: 0, rtol: 0 });
      expectClose(r.pi, [[1], [1]], { atol: 0, rtol: 0 });
      expectClose(r.lpi, [[0], [0]], { atol: 0, rtol: 0 });
      tf.dispose(Object.values(r));
      c.dispose();
    }
    // ∂ log π_0/∂ logit_0 = 1 − π_0 = 0
    const g = tf.grad((l: tf.Tensor) => new Categorical({ logits: l }).logProb(zero))(tf.tensor2d([[3], [-2]]));
    expectClose(g, [[0], [0]], { atol: 0, rtol: 0 });
    tf.dispose([g, zero, outside]);
  });
});

describe('issue 14, class 3: scale gradients from σ = 1e−38 to 1e38', () => {
  const sigmas = [1e-38, 1e-30, 1e-20, 1e-5, 1, 1e5, 1e20, 1e30, 1e38].map(f);
  const zs = [0, 1e-3, 0.5, 1, -1, 3, -30, 1e5, 1e10];
  // float32 points: σ and x = z·σ (μ = 0), skipping x that are not finite float32
  const pts = sigmas.flatMap((s) => zs.map((z) => ({ s, x: f(z * s) }))).filter((p) => Number.isFinite(p.x));

  it('Normal from scale: value, ∂/∂σ = (z² − 1)/σ, ∂/∂x = −z/σ element-wise (float64 references)', () => {
    const s = tf.tensor1d(pts.map((p) => p.s));
    const x = tf.tensor1d(pts.map((p) => p.x));
    const [gx, gs] = tf.grads((xx: tf.Tensor, ss: tf.Tensor) => tf.sum(new Normal({ loc: 0, scale: ss }).logProb(xx)))([x, s]);
    const lp = new Normal({ loc: 0, scale: s }).logProb(x);
    const z = pts.map((p) => p.x / p.s);
    const vExp = pts.map((p, i) => -0.5 * z[i]! ** 2 - Math.log(p.s) - HALF_LOG_2PI).map((v) => (representable(v) ? v : -Infinity));
    const keepS = pts.map((p, i) => representable((z[i]! ** 2 + 1) / p.s));
    const gsExp = pts.map((p, i) => (z[i]! ** 2 - 1) / p.s);
    const gxExp = pts.map((p, i) => -z[i]! / p.s);
    const sel = <T,>(a: ArrayLike<T>, m: boolean[]) => Array.from(a).filter((_, i) => m[i]);
    let worst = expectElementwise('logProb', lp.dataSync(), vExp, vExp.map((v, i) => Math.max(1, 0.5 * z[i]! ** 2 + Math.abs(Math.log(pts[i]!.s)))), 1e-6);
    worst = Math.max(worst, expectElementwise('∂/∂σ', sel(gs!.dataSync(), keepS), sel(gsExp, keepS), sel(pts.map((p, i) => (z[i]! ** 2 + 1) / p.s), keepS), 1e-5));
    const keepX = pts.map((p, i) => representable(gxExp[i]!));
    worst = Math.max(worst, expectElementwise('∂/∂x', sel(gx!.dataSync(), keepX), sel(gxExp, keepX), sel(gxExp.map((v) => Math.max(Math.abs(v), SUBNORMAL)), keepX), 1e-5));
    expect(keepS.filter(Boolean).length).toBeGreaterThan(60);
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([s, x, gx!, gs!, lp]);
  });

  for (const form of ['logScale', 'logVar'] as const) {
    it(`Normal from ${form}: ∂/∂${form} element-wise, for log σ from −87.5 to 87.5`, () => {
      // the parameter in float32; σ = exp(l) in float64 from the float32 parameter
      const par = pts.map((p) => f(form === 'logScale' ? Math.log(p.s) : 2 * Math.log(p.s)));
      const l = par.map((v) => (form === 'logScale' ? v : v / 2));
      const x = tf.tensor1d(pts.map((p) => p.x));
      const pt = tf.tensor1d(par);
      const build = (pp: tf.Tensor) => (form === 'logScale' ? new Normal({ loc: 0, logScale: pp }) : Normal.fromLogVariance(tf.zerosLike(pp), pp));
      const [gx, gp] = tf.grads((xx: tf.Tensor, pp: tf.Tensor) => tf.sum(build(pp).logProb(xx)))([x, pt]);
      const z = pts.map((p, i) => p.x * Math.exp(-l[i]!));
      const dl = form === 'logScale' ? 1 : 0.5;
      const gExp = z.map((zi) => dl * (zi * zi - 1));
      const keep = gExp.map(representable);
      const sel = <T,>(a: ArrayLike<T>, m: boolean[]) => Array.from(a).filter((_, i) => m[i]);
      let worst = expectElementwise(`∂/∂${form}`, sel(gp!.dataSync(), keep), sel(gExp, keep), sel(z.map((zi) => dl * (zi * zi + 1)), keep), 1e-5);
      const gxExp = pts.map((p, i) => -z[i]! * Math.exp(-l[i]!));
      const keepX = gxExp.map(representable);
      worst = Math.max(worst, expectElementwise('∂/∂x', sel(gx!.dataSync(), keepX), sel(gxExp, keepX), sel(gxExp.map((v) => Math.max(Math.abs(v), SUBNORMAL)), keepX), 1e-5));
      expect(worst).toBeLessThan(1e-5);
      tf.dispose([x, pt, gx!, gp!]);
    });
  }

  it('Normal at x = μ where σ underflows (log σ ≤ −104): log p = −log σ − ½·log 2π, ∂/∂log σ = −1, ∂/∂x = 0', () => {
    const ls = [-90, -104, -150, -300, -1e4, -1e30].map(f);
    const lt = tf.tensor1d(ls);
    const mu = tf.tensor1d([1, -2, 0, 3, 0.5, 0].map(f));
    const lp = new Normal({ loc: mu, logScale: lt }).logProb(mu);
    expectElementwise('logProb', lp.dataSync(), ls.map((l) => -l - HALF_LOG_2PI), ls.map((l) => Math.abs(l)), 1e-6);
    const [gx, gl] = tf.grads((xx: tf.Tensor, ll: tf.Tensor) => tf.sum(new Normal({ loc: mu, logScale: ll }).logProb(xx)))([mu, lt]);
    expect(Array.from(gl!.dataSync())).toEqual(ls.map(() => -1));
    expect(Array.from(gx!.dataSync())).toEqual(ls.map(() => 0));
    const lv = Normal.fromLogVariance(mu, tf.mul(lt, 2));
    const lpv = lv.logProb(mu);
    expectElementwise('logProb (logVar)', lpv.dataSync(), ls.map((l) => -f(2 * l) / 2 - HALF_LOG_2PI), ls.map((l) => Math.abs(l)), 1e-6);
    // x ≠ μ with σ = e⁻³⁰⁰: |z| > 1e100, log p = −Infinity as the true value is in float32
    const far = new Normal({ loc: 0, logScale: -300 }).logProb([1e-45, -1]);
    expect(Array.from(far.dataSync())).toEqual([-Infinity, -Infinity]);
    tf.dispose([lt, mu, lp, gx!, gl!, lpv, far]);
    lv.dispose();
  });

  it('Logistic: value, ∂/∂s = (z·tanh(z/2) − 1)/s, ∂/∂x = −tanh(z/2)/s element-wise', () => {
    const s = tf.tensor1d(pts.map((p) => p.s));
    const x = tf.tensor1d(pts.map((p) => p.x));
    const [gx, gs] = tf.grads((xx: tf.Tensor, ss: tf.Tensor) => tf.sum(new Logistic({ loc: 0, scale: ss }).logProb(xx)))([x, s]);
    const lp = new Logistic({ loc: 0, scale: s }).logProb(x);
    const z = pts.map((p) => p.x / p.s);
    const vExp = pts.map((p, i) => -Math.abs(z[i]!) - 2 * Math.log1p(Math.exp(-Math.abs(z[i]!))) - Math.log(p.s));
    const gsExp = pts.map((p, i) => (z[i]! * Math.tanh(z[i]! / 2) - 1) / p.s);
    const gxExp = pts.map((p, i) => -Math.tanh(z[i]! / 2) / p.s);
    const keepS = pts.map((p, i) => representable((Math.abs(z[i]!) + 1) / p.s));
    const sel = <T,>(a: ArrayLike<T>, m: boolean[]) => Array.from(a).filter((_, i) => m[i]);
    let worst = expectElementwise('logProb', lp.dataSync(), vExp, vExp.map((v, i) => Math.max(1, Math.abs(z[i]!) + Math.abs(Math.log(pts[i]!.s)))), 1e-6);
    worst = Math.max(worst, expectElementwise('∂/∂s', sel(gs!.dataSync(), keepS), sel(gsExp, keepS), sel(pts.map((p, i) => (Math.abs(z[i]!) + 1) / p.s), keepS), 1e-5));
    worst = Math.max(worst, expectElementwise('∂/∂x', sel(gx!.dataSync(), keepS), sel(gxExp, keepS), sel(pts.map((p) => 1 / p.s), keepS), 1e-5));
    expect(keepS.filter(Boolean).length).toBeGreaterThan(60);
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([s, x, gx!, gs!, lp]);
  });

  it('cdf gradients: Normal ∂Φ/∂σ = −φ(z)·z/σ (scale and logScale forms), Logistic ∂F/∂s = −F(1 − F)·z/s, element-wise', () => {
    const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const s = tf.tensor1d(pts.map((p) => p.s));
    const x = tf.tensor1d(pts.map((p) => p.x));
    const z = pts.map((p) => p.x / p.s);
    const sel = <T,>(a: ArrayLike<T>, m: boolean[]) => Array.from(a).filter((_, i) => m[i]);
    const cases: [string, (ss: tf.Tensor) => { cdf(x: tf.Tensor): tf.Tensor }, (zi: number) => number][] = [
      ['Normal', (ss) => new Normal({ loc: 0, scale: ss }), phi],
      ['Logistic', (ss) => new Logistic({ loc: 0, scale: ss }), (zi) => sig(zi) * sig(-zi)],
    ];
    let worst = 0;
    for (const [name, build, density] of cases) {
      const [gx, gs] = tf.grads((xx: tf.Tensor, ss: tf.Tensor) => tf.sum(build(ss).cdf(xx)))([x, s]);
      const gsExp = pts.map((p, i) => (-density(z[i]!) * z[i]!) / p.s);
      const gxExp = pts.map((p, i) => density(z[i]!) / p.s);
      const keep = pts.map((p, i) => representable(gsExp[i]!) && representable(gxExp[i]!));
      const size = (v: number[]) => sel(v.map((e) => Math.max(Math.abs(e), SUBNORMAL)), keep);
      worst = Math.max(worst, expectElementwise(`${name} ∂F/∂σ`, sel(gs!.dataSync(), keep), sel(gsExp, keep), size(gsExp), 1e-5));
      worst = Math.max(worst, expectElementwise(`${name} ∂F/∂x`, sel(gx!.dataSync(), keep), sel(gxExp, keep), size(gxExp), 1e-5));
      tf.dispose([gx!, gs!]);
    }
    // logScale form: ∂Φ/∂log σ = −φ(z)·z
    const ls = tf.tensor1d(pts.map((p) => f(Math.log(p.s))));
    const [gl] = tf.grads((ll: tf.Tensor) => tf.sum(new Normal({ loc: 0, logScale: ll }).cdf(x)))([ls]);
    const zl = pts.map((p) => p.x * Math.exp(-f(Math.log(p.s))));
    const glExp = zl.map((zi) => -phi(zi) * zi);
    worst = Math.max(worst, expectElementwise('Normal ∂Φ/∂log σ', gl!.dataSync(), glExp, glExp.map((e) => Math.max(Math.abs(e), 1e-30)), 1e-5));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([s, x, ls, gl!]);
  });

  it('second derivatives still flow through the written-out gradient: Normal ∂²/∂x² = −1/σ², ∂²/∂σ∂x = 2z/σ², ∂²/∂σ² = (1 − 3z²)/σ², ∂²/∂log σ² = −2z²', () => {
    const x = tf.tensor1d([1.5, -0.3, 4]);
    const s = tf.tensor1d([2, 0.5, 3]);
    const hxx = tf.grad((xx: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(new Normal({ loc: 0, scale: s }).logProb(y)))(xx)))(x);
    expectClose(hxx, [-1 / 4, -1 / 0.25, -1 / 9], { rtol: 1e-5 });
    const hsx = tf.grad((ss: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(new Normal({ loc: 0, scale: ss }).logProb(y)))(x)))(s);
    expectClose(hsx, [(2 * 0.75) / 4, (2 * -0.6) / 0.25, (2 * (4 / 3)) / 9], { rtol: 1e-5 });
    const hss = tf.grad((ss: tf.Tensor) => tf.sum(tf.grad((sv: tf.Tensor) => tf.sum(new Normal({ loc: 0, scale: sv }).logProb(x)))(ss)))(s);
    expectClose(hss, [[1.5, 2], [-0.3, 0.5], [4, 3]].map(([xv, sv]) => (-3 * xv! ** 2) / sv! ** 4 + 1 / sv! ** 2), { rtol: 1e-5 });
    const ls = tf.log(s);
    const hll = tf.grad((ll: tf.Tensor) => tf.sum(tf.grad((lv: tf.Tensor) => tf.sum(new Normal({ loc: 0, logScale: lv }).logProb(x)))(ll)))(ls);
    expectClose(hll, [[1.5, 2], [-0.3, 0.5], [4, 3]].map(([xv, sv]) => -2 * (xv! / sv!) ** 2), { rtol: 1e-5 });
    tf.dispose([x, s, hxx, hsx, hss, ls, hll]);
  });
});
