import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectThrowsClean } from '@genmod-internal/testing';
import { rationalQuadraticSpline } from './rational-quadratic-spline.js';
import { rqSpline, splineKnots } from './internal/spline.js';
import { mlp } from './mlp.js';

const P = { bins: 5, bound: 2, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };
const raw = (seed: number, n = 7) => tf.mul(tf.randomNormal([n, 3 * P.bins - 1], 0, 1, 'float32', seed), 1.5);

describe('rqSpline (the elementwise spline)', () => {
  it('is the identity when every parameter is 0 (uniform bins, unit derivatives)', () => {
    const v = tf.linspace(-3, 3, 13);
    const [y, ld] = rqSpline(v, tf.zeros([13, 3 * P.bins - 1]), P, false);
    expectClose(y, v, { atol: 1e-5, rtol: 0, label: 'y' });
    expectClose(ld, new Array(13).fill(0), { atol: 1e-5, rtol: 0, label: 'log-derivative' });
  });

  it('is monotone increasing, maps [−B, B] onto itself and is the identity outside (linear tails)', () => {
    const v = tf.linspace(-3, 3, 7001);
    const r = tf.tile(raw(1, 1), [7001, 1]);
    const [y] = rqSpline(v, r, P, false);
    const yv = y.dataSync();
    for (let i = 1; i < yv.length; i++) expect(yv[i]!).toBeGreaterThanOrEqual(yv[i - 1]!);
    const [ends] = rqSpline(tf.tensor1d([-2, 2, -2.5, 2.7]), tf.tile(raw(1, 1), [4, 1]), P, false);
    expectClose(ends, [-2, 2, -2.5, 2.7], { atol: 1e-6, rtol: 0, label: 'f(±B) = ±B, identity tails' });
  });

  it('the log-derivative matches finite differences of the value (inside, at knots, in the tails)', () => {
    // moderate parameters: where dy/dx ≈ 1e−3, float32 finite differences lose two digits
    const r = tf.mul(raw(2), 0.5);
    const v = tf.tensor1d([-2.5, -1.9, -0.7, 0, 0.31, 1.99, 3]);
    const [, ld] = rqSpline(v, r, P, false);
    const h = 1e-3;
    const [yp] = rqSpline(tf.add(v, h), r, P, false);
    const [ym] = rqSpline(tf.sub(v, h), r, P, false);
    const fd = tf.log(tf.div(tf.sub(yp, ym), 2 * h));
    expectClose(ld, fd, { atol: 2e-3, rtol: 0, label: 'log dy/dx' });
  });

  it('inverse ∘ forward = identity, also exactly at the knots and the bounds', () => {
    const r = tf.tile(raw(3, 1), [9, 1]);
    const v = tf.tensor1d([-2, -1.2, -0.4, 0, 0.4, 1.2, 2, -2.0001, 1.99999]);
    const [y, ld] = rqSpline(v, r, P, false);
    const [back, ldInv] = rqSpline(y, r, P, true);
    expectClose(back, v, { atol: 2e-5, rtol: 0, label: 'round trip' });
    expectClose(ldInv, tf.neg(ld), { atol: 1e-4, rtol: 0, label: 'inverse log-det' });
  });

  it('gradients with respect to the parameters match finite differences', () => {
    const v = tf.tensor1d([-1.5, -0.2, 0.6, 1.7]);
    const w = tf.tensor1d([1, -2, 0.5, 3]);
    const r0 = tf.mul(tf.randomNormal([4, 3 * P.bins - 1], 0, 1, 'float32', 4), 0.5);
    for (const inverse of [false, true]) {
      checkGradient((r) => tf.sum(tf.add(tf.mul(w, rqSpline(v, r, P, inverse)[0]), rqSpline(v, r, P, inverse)[1])) as tf.Scalar, r0, { eps: 1e-2, rtol: 2e-2, label: `inverse ${inverse}` });
    }
  });

  it('stays finite at ±1e4, ±Infinity-free tails, and with extreme parameters', () => {
    const v = tf.tensor1d([-1e4, -2, -1e-7, 2, 1e4]);
    const r = tf.mul(tf.randomNormal([5, 3 * P.bins - 1], 0, 1, 'float32', 5), 50);
    for (const inverse of [false, true]) {
      const [y, ld] = rqSpline(v, r, P, inverse);
      expectFinite(y, 'value');
      expectFinite(ld, 'log-derivative');
      const g = tf.grad((x: tf.Tensor) => tf.sum(rqSpline(x, r, P, inverse)[0]))(v);
      expectFinite(g, 'gradient');
    }
  });
});

describe('rationalQuadraticSpline (the coupling)', () => {
  it('starts as the identity with an mlp conditioner', () => {
    const layer = rationalQuadraticSpline({ mask: [1, 0], bins: 8, conditioner: mlp({ inputs: 2, outputs: 2 * 23, seed: 1 }) });
    const x = tf.randomNormal([20, 2], 0, 2, 'float32', 6);
    const { y, logDet } = layer.forward(x);
    expectClose(y, x, { atol: 2e-5, rtol: 0, label: 'y' });
    expectClose(logDet, new Array(20).fill(0), { atol: 2e-5, rtol: 0, label: 'logDet' });
    layer.dispose();
  });

  it('at initialization maps ±B and their float32 neighbours exactly to themselves, log-det 0, both ways (issue 14)', () => {
    const layer = rationalQuadraticSpline({ mask: [1, 0], bins: 10, bound: 1.7, conditioner: mlp({ inputs: 2, outputs: 2 * 29, seed: 1 }) });
    const b = Math.fround(1.7);
    const edge = [-b, b, ulpStep(b, -1), ulpStep(-b, 1), ulpStep(b, 1), ulpStep(-b, -1)];
    const x = tf.tensor2d(edge.map((e, i) => [0.3 * i, e]));
    const { y, logDet } = layer.forward(x);
    const { x: back, logDet: ldInv } = layer.inverse(x);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    for (const v of [...logDet.dataSync(), ...ldInv.dataSync()]) expect(Math.abs(v)).toBeLessThanOrEqual(2 * EPS32);
    tf.dispose([x, y, logDet, back, ldInv]);
    layer.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    const conditioner = mlp({ inputs: 2, outputs: 2 * 23, seed: 1 });
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [1, 0], conditioner, bins: 1 }), /rationalQuadraticSpline: options\.bins must be an integer ≥ 2, got 1/);
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [1, 0], conditioner, bound: -1 }), /rationalQuadraticSpline: options\.bound must be a finite number > 0, got -1/);
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [0, 0], conditioner }), /rationalQuadraticSpline: options\.mask must be a mask with at least one 1/);
    expectThrowsClean(() => rationalQuadraticSpline({ mask: [1, 0], conditioner, minBinWidth: 0.2, bins: 8 }), /options\.minBinWidth must be < 1\/bins = 0\.125, got 0\.2/);
    const layer = rationalQuadraticSpline({ mask: [1, 0, 0], conditioner, bins: 8 });
    const x = tf.zeros([3, 3]);
    // a conditioner built for D = 2 meets a D = 3 mask: the mlp names its own input
    expectThrowsClean(() => layer.forward(x), /mlp: input must be a float32 tensor of shape \[\.\.\., 2\], got a float32 tensor of shape \[3, 3\]/);
    const x2 = tf.zeros([3, 2]);
    expectThrowsClean(() => layer.inverse(x2), /rationalQuadraticSpline\.inverse: y must be a float32 tensor of shape \[\.\.\., 3\], got a float32 tensor of shape \[3, 2\]/);
    const wrongOut = rationalQuadraticSpline({ mask: [1, 0], conditioner: mlp({ inputs: 2, outputs: 5 }), bins: 8 });
    expectThrowsClean(() => wrongOut.forward(x2 as tf.Tensor), /rationalQuadraticSpline\.forward: x must be a float32 tensor of shape \[\.\.\., 2\]|the conditioner output must be a tensor of shape \[\.\.\., 46\]/);
    tf.dispose([x, x2]);
    layer.dispose();
    wrongOut.dispose();
  });
});

// ---------------------------------------------------------------------------------------------------
// Numerical edges (issue 14): pinned outer knots, the stable inverse root, bins at knots. The references
// are the spline's closed form evaluated in float64 here (the inverse by float64 bisection, an
// independent method), from the same float32 raw parameters; tolerances are in units of ε·B scaled by
// the local condition number (dy/dx for values in y, dx/dy for values in x), compared element-wise.
// ---------------------------------------------------------------------------------------------------
const EPS32 = 2 ** -23;
const bits = new Float32Array(1);
const ints = new Int32Array(bits.buffer);
/** The float32 n ulps above x (n < 0: below); x must be a float32. */
function ulpStep(x: number, n: number): number {
  if (x === 0) return n * 2 ** -40;
  bits[0] = x;
  ints[0] = ints[0]! + (x > 0 ? n : -n);
  return bits[0]!;
}
type Params = typeof P;
interface Ref { xs: number[]; ys: number[]; ds: number[] }
function refSpline(row: number[], p: Params): Ref {
  const k = p.bins;
  const b = p.bound;
  const softmax = (a: number[]) => {
    const m = Math.max(...a);
    const e = a.map((v) => Math.exp(v - m));
    const s = e.reduce((u, v) => u + v, 0);
    return e.map((v) => v / s);
  };
  const w = softmax(row.slice(0, k)).map((q) => 2 * b * (p.minBinWidth + (1 - k * p.minBinWidth) * q));
  const h = softmax(row.slice(k, 2 * k)).map((q) => 2 * b * (p.minBinHeight + (1 - k * p.minBinHeight) * q));
  const c = Math.log(Math.expm1(1 - p.minDerivative));
  const softplus = (z: number) => (z > 30 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  const ds = [1, ...row.slice(2 * k, 3 * k - 1).map((r) => p.minDerivative + softplus(r + c)), 1];
  const xs = [-b];
  const ys = [-b];
  for (let j = 0; j < k - 1; j++) {
    xs.push(xs[j]! + w[j]!);
    ys.push(ys[j]! + h[j]!);
  }
  xs.push(b);
  ys.push(b);
  return { xs, ys, ds };
}
function refBin(knots: number[], v: number): number {
  let j = 0;
  while (j < knots.length - 2 && v >= knots[j + 1]!) j++;
  return j;
}
/** y = g(x) and dy/dx in float64. */
function refForward(r: Ref, x: number): { y: number; d: number } {
  const k = r.xs.length - 1;
  if (x < r.xs[0]! || x > r.xs[k]!) return { y: x, d: 1 };
  const j = refBin(r.xs, x);
  const w = r.xs[j + 1]! - r.xs[j]!;
  const h = r.ys[j + 1]! - r.ys[j]!;
  const s = h / w;
  const [d0, d1] = [r.ds[j]!, r.ds[j + 1]!];
  const xi = (x - r.xs[j]!) / w;
  const e = xi * (1 - xi);
  const den = s + (d1 + d0 - 2 * s) * e;
  const y = r.ys[j]! + (h * (s * xi * xi + d0 * e)) / den;
  const d = (s * s * (d1 * xi * xi + 2 * s * e + d0 * (1 - xi) ** 2)) / (den * den);
  return { y, d };
}
/** x = g⁻¹(y) by bisection in float64 (independent of the closed-form root). */
function refInverse(r: Ref, y: number): number {
  const k = r.xs.length - 1;
  if (y < r.ys[0]! || y > r.ys[k]!) return y;
  const j = refBin(r.ys, y);
  let lo = r.xs[j]!;
  let hi = r.xs[j + 1]!;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (refForward(r, mid).y < y) lo = mid;
    else hi = mid;
  }
  return Math.abs(refForward(r, lo).y - y) <= Math.abs(refForward(r, hi).y - y) ? lo : hi;
}
/** Points: uniform in [−B, B], every knot (float32) and ±1, ±2 ulps around it, ±B and just outside. */
function probePoints(knots: number[], b: number, n: number, seed: number): number[] {
  const u = Array.from(tf.tidy(() => tf.randomUniform([n], -b, b, 'float32', seed).dataSync()));
  const near = knots.flatMap((t) => {
    const f = Math.fround(t);
    return [-2, -1, 0, 1, 2].map((m) => ulpStep(f, m));
  });
  return [...u, ...near, -b, b, ulpStep(b, 1), ulpStep(-b, -1)];
}
/** Runs the spline on points `v` with one raw row broadcast to every point. */
function runSpline(v: number[], row: number[], p: Params, inverse: boolean): { out: number[]; ld: number[]; grad: number[] } {
  return tf.tidy(() => {
    const vt = tf.tensor1d(v);
    const r = tf.tile(tf.tensor2d([row]), [v.length, 1]);
    const [out, ld] = rqSpline(vt, r, p, inverse);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(rqSpline(x, r, p, inverse)[0]))(vt);
    return { out: Array.from(out.dataSync()), ld: Array.from(ld.dataSync()), grad: Array.from(grad.dataSync()) };
  });
}
function rowOf(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}
const STEEP_P = { bins: 6, bound: 3, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };
/** Steep configurations: knot derivatives 1e3–1e4 next to 1e−3, narrow bins (width 2B·1e−3). */
function steepRows(): number[][] {
  const k = STEEP_P.bins;
  const rows: number[][] = [];
  for (let s = 0; s < 4; s++) {
    const w = rowOf(tf.tidy(() => tf.mul(tf.randomNormal([k], 0, 1, 'float32', 40 + s), 4)));
    const h = rowOf(tf.tidy(() => tf.mul(tf.randomNormal([k], 0, 1, 'float32', 50 + s), 4)));
    const dd = Array.from({ length: k - 1 }, (_, i) => ((i + s) % 3 === 2 ? -30 : 10 ** (3 + ((i * 7 + s * 3) % 5) / 4)));
    rows.push([...w, ...h, ...dd]);
  }
  // narrow bins next to wide ones, every interior derivative 1e3–1e4
  rows.push([8, -8, 0, -8, 8, -8, -8, 8, -8, 0, 8, -8, 1e3, 1e4, 3e3, 1e4, 2e3]);
  rows.push([-8, 8, -8, 8, -8, 8, 8, -8, 8, -8, 8, -8, 1e4, 1e4, 1e4, 1e4, 1e4]);
  return rows;
}
const configs = (): [string, Params, number[]][] => [
  ...[11, 12, 13].map((s) => [`random ${s}`, P, rowOf(raw(s, 1))] as [string, Params, number[]]),
  ...steepRows().map((row, i) => [`steep ${i}`, STEEP_P, row] as [string, Params, number[]]),
];

describe('rqSpline numerical edges (issue 14)', () => {
  it('the identity spline maps ±B and points within 1 ulp of ±B exactly to themselves, with dy/dx = 1', () => {
    for (const p of [P, { ...P, bins: 8, bound: 3 }, { ...P, bins: 7, bound: 5 }, { ...P, bins: 10, bound: 1.7 }]) {
      const b = Math.fround(p.bound);
      const v = [-b, b, ulpStep(b, -1), ulpStep(-b, 1), ulpStep(b, 1), ulpStep(-b, -1)];
      const row = new Array<number>(3 * p.bins - 1).fill(0);
      for (const inverse of [false, true]) {
        const { out, ld, grad } = runSpline(v, row, p, inverse);
        const label = `K = ${p.bins}, B = ${p.bound}, ${inverse ? 'inverse' : 'forward'}`;
        expect(out, `${label}: value`).toEqual(v);
        for (let i = 0; i < v.length; i++) {
          expect(Math.abs(ld[i]!), `${label}: log dy/dx at ${v[i]}`).toBeLessThanOrEqual(2 * EPS32);
          expect(Math.abs(grad[i]! - 1), `${label}: autodiff dy/dx at ${v[i]}`).toBeLessThanOrEqual(4 * EPS32);
        }
      }
    }
  });

  it('the boundary derivative is 1 (linear tails, C¹) for any parameters, by autodiff and in the log-det', () => {
    for (const [name, p, row] of configs()) {
      const b = Math.fround(p.bound);
      const v = [-b, b];
      for (const inverse of [false, true]) {
        const { out, ld, grad } = runSpline(v, row, p, inverse);
        expect(out, `${name}: ±B fixed`).toEqual(v);
        for (let i = 0; i < 2; i++) {
          expect(Math.abs(ld[i]!), `${name} ${inverse}: log-det at ${v[i]}`).toBeLessThanOrEqual(1e-5);
          expect(Math.abs(grad[i]! - 1), `${name} ${inverse}: autodiff at ${v[i]}`).toBeLessThanOrEqual(1e-4);
        }
      }
    }
  });

  it('forward and inverse match the float64 closed form element-wise, and both round trips are tight (random and steep)', () => {
    // a value in y is compared with the float64 value (forward error); a value x̂ in x by its backward error
    // |g(x̂) − y| in float64: in a nearly flat stretch a knot rounded to float32 (a few ε·B) moves x̂ far,
    // but g(x̂) stays within the rounding of y. Tolerance 16·ε·B·(1 + g′), g′ = dy/dx in float64.
    let worstFwd = 0;
    let worstInv = 0;
    let worstRt = 0;
    for (const [name, p, row] of configs()) {
      const ref = refSpline(row, p);
      const b = p.bound;
      const g = (x: number) => refForward(ref, x);
      const tol = (...at: number[]) => 16 * EPS32 * b * (1 + Math.max(...at.map((x) => g(x).d)));
      // x → y → x
      const xs = probePoints(ref.xs, b, 300, 60);
      const f = runSpline(xs, row, p, false);
      const back = runSpline(f.out, row, p, true);
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i]!;
        const { y } = g(x);
        const ef = Math.abs(f.out[i]! - y) / tol(x);
        const er = Math.abs(g(back.out[i]!).y - y) / tol(x, back.out[i]!);
        worstFwd = Math.max(worstFwd, ef);
        worstRt = Math.max(worstRt, er);
        expect(ef, `${name}: forward(${x}) = ${f.out[i]}, float64 ${y}`).toBeLessThanOrEqual(1);
        expect(er, `${name}: inverse(forward(${x})) = ${back.out[i]}`).toBeLessThanOrEqual(1);
      }
      // y → x → y
      const ys = probePoints(ref.ys, b, 300, 61);
      const inv = runSpline(ys, row, p, true);
      const again = runSpline(inv.out, row, p, false);
      for (let i = 0; i < ys.length; i++) {
        const y = ys[i]!;
        const xh = inv.out[i]!;
        const ei = Math.abs(g(xh).y - y) / tol(xh);
        const er = Math.abs(again.out[i]! - y) / tol(xh);
        worstInv = Math.max(worstInv, ei);
        worstRt = Math.max(worstRt, er);
        expect(ei, `${name}: inverse(${y}) = ${xh} (float64 bisection ${refInverse(ref, y)}), g(x̂) = ${g(xh).y}`).toBeLessThanOrEqual(1);
        expect(er, `${name}: forward(inverse(${y})) = ${again.out[i]}`).toBeLessThanOrEqual(1);
      }
    }
    console.info(`worst error / (16·ε·B·(1 + g′)): forward ${worstFwd.toFixed(3)}, inverse ${worstInv.toFixed(3)}, round trips ${worstRt.toFixed(3)}`);
  });

  it('the inverse matches float64 bisection in x where it is well conditioned (dx/dy ≤ 10)', () => {
    let worst = 0;
    for (const [name, p, row] of configs()) {
      const ref = refSpline(row, p);
      const ys = probePoints(ref.ys, p.bound, 300, 63);
      const inv = runSpline(ys, row, p, true);
      for (let i = 0; i < ys.length; i++) {
        const x = refInverse(ref, ys[i]!);
        const d = refForward(ref, x).d;
        if (d < 0.1) continue;
        const e = Math.abs(inv.out[i]! - x) / (16 * EPS32 * p.bound * (1 + 1 / d));
        worst = Math.max(worst, e);
        expect(e, `${name}: inverse(${ys[i]}) = ${inv.out[i]}, float64 ${x}`).toBeLessThanOrEqual(1);
      }
    }
    console.info(`worst inverse error in x / (16·ε·B·(1 + dx/dy)): ${worst.toFixed(3)}`);
  });

  it('the log-det and the autodiff gradient match the float64 derivative element-wise (random and steep)', () => {
    let worstAd = 0;
    let worstRef = 0;
    for (const [name, p, row] of configs()) {
      const ref = refSpline(row, p);
      const b = p.bound;
      for (const inverse of [false, true]) {
        const v = probePoints(inverse ? ref.ys : ref.xs, b, 200, 62);
        const { out, ld, grad } = runSpline(v, row, p, inverse);
        for (let i = 0; i < v.length; i++) {
          const x = inverse ? out[i]! : v[i]!;
          // the float64 log-derivative, and how much it moves within 32 ε·B of x (its conditioning here)
          const lref = Math.log(refForward(ref, x).d);
          const dx = 32 * EPS32 * b;
          const spread = Math.max(...[-dx, dx].map((e) => Math.abs(Math.log(refForward(ref, x + e).d) - lref)));
          const want = inverse ? -lref : lref;
          // and the float32 rounding of the knots (ε·B each), relative to the bin's width and height
          const j = refBin(ref.xs, Math.min(Math.max(x, -b), b));
          const [wj, hj] = [ref.xs[j + 1]! - ref.xs[j]!, ref.ys[j + 1]! - ref.ys[j]!];
          const eRef = Math.abs(ld[i]! - want) / (1e-5 + spread + 16 * EPS32 * b * (1 / wj + 1 / hj));
          // the autodiff gradient in v against the same float64 derivative (log dy/dx, or log dx/dy)
          const eAd = Math.abs(Math.log(grad[i]!) - want) / (1e-5 + spread + 16 * EPS32 * b * (1 / wj + 1 / hj));
          worstRef = Math.max(worstRef, eRef);
          worstAd = Math.max(worstAd, eAd);
          expect(eRef, `${name} ${inverse ? 'inverse' : 'forward'}: log-det at ${v[i]} = ${ld[i]}, float64 ${want}`).toBeLessThanOrEqual(1);
          expect(eAd, `${name} ${inverse ? 'inverse' : 'forward'}: log autodiff gradient at ${v[i]} = ${Math.log(grad[i]!)}, float64 ${want}`).toBeLessThanOrEqual(1);
        }
      }
    }
    console.info(`worst log-det error: vs float64 ${worstRef.toFixed(3)} of (1e−5 + local spread + 16ε·B·(1/w + 1/h)), autodiff gradient vs float64 ${worstAd.toFixed(3)} of the same`);
  });

  it('gradients in the parameters match float64 central differences of the closed form (random and steep)', () => {
    let worst = 0;
    for (const [name, p, row] of configs()) {
      const ref = refSpline(row, p);
      for (const inverse of [false, true]) {
        // one point a third of the way into each bin (away from the knots, where the gradient has kinks)
        const knots = inverse ? ref.ys : ref.xs;
        const v = knots.slice(0, -1).map((t, j) => Math.fround(t + (knots[j + 1]! - t) / 3));
        const n = v.length;
        const grads = tf.tidy(() => {
          const r = tf.tile(tf.tensor2d([row]), [n, 1]);
          return Array.from(tf.grad((rr: tf.Tensor) => tf.sum(rqSpline(tf.tensor1d(v), rr, p, inverse)[0]))(r).dataSync());
        });
        const at = (rw: number[], u: number) => (inverse ? refInverse(refSpline(rw, p), u) : refForward(refSpline(rw, p), u).y);
        for (let i = 0; i < n; i++) {
          const fd = row.map((r0, q) => {
            const h = 1e-6 * Math.max(1, Math.abs(r0));
            const up = row.slice();
            const down = row.slice();
            up[q] = r0 + h;
            down[q] = r0 - h;
            return (at(up, v[i]!) - at(down, v[i]!)) / (2 * h);
          });
          const scale = Math.max(...fd.map(Math.abs));
          for (let q = 0; q < row.length; q++) {
            const e = Math.abs(grads[i * row.length + q]! - fd[q]!) / (1e-3 * scale + 1e-6);
            worst = Math.max(worst, e);
            expect(e, `${name} ${inverse ? 'inverse' : 'forward'} at ${v[i]}: ∂/∂raw[${q}] = ${grads[i * row.length + q]}, float64 ${fd[q]}`).toBeLessThanOrEqual(1);
          }
        }
      }
    }
    console.info(`worst parameter-gradient error / (1e−3·max|∂| + 1e−6): ${worst.toFixed(3)}`);
  });

  it('the float64 reference derivative matches float64 central differences (checks the reference itself)', () => {
    for (const [, p, row] of configs().slice(0, 4)) {
      const ref = refSpline(row, p);
      for (let j = 0; j < p.bins; j++) {
        const x = 0.5 * (ref.xs[j]! + ref.xs[j + 1]!);
        const h = 1e-5 * (ref.xs[j + 1]! - ref.xs[j]!);
        const fd = (refForward(ref, x + h).y - refForward(ref, x - h).y) / (2 * h);
        // truncation (h² terms) plus the float64 rounding of y divided by 2h
        expect(Math.abs(fd - refForward(ref, x).d)).toBeLessThan(1e-6 * refForward(ref, x).d + (1e-15 * p.bound) / h);
      }
    }
  });

  it('points exactly at knots land in the same bin both ways: forward(x_j) = y_j and inverse(y_j) = x_j exactly', () => {
    for (const [name, p, row] of configs()) {
      const { knotsX, knotsY } = tf.tidy(() => {
        const kn = splineKnots(tf.tensor2d([row]), p);
        return { knotsX: Array.from(kn.knotsX.dataSync()), knotsY: Array.from(kn.knotsY.dataSync()) };
      });
      expect(knotsX[0], `${name}: first x knot`).toBe(-Math.fround(p.bound));
      expect(knotsX[p.bins], `${name}: last x knot`).toBe(Math.fround(p.bound));
      expect(knotsY[0], `${name}: first y knot`).toBe(-Math.fround(p.bound));
      expect(knotsY[p.bins], `${name}: last y knot`).toBe(Math.fround(p.bound));
      expect(runSpline(knotsX, row, p, false).out, `${name}: forward at the x knots`).toEqual(knotsY);
      expect(runSpline(knotsY, row, p, true).out, `${name}: inverse at the y knots`).toEqual(knotsX);
    }
  });
});
