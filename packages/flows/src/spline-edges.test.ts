// ---------------------------------------------------------------------------------------------------
// Numerical edges (issue 14): pinned outer knots, the stable inverse root, bins at knots. The references
// are the spline's closed form evaluated in float64 here (the inverse by float64 bisection, an
// independent method), from the same float32 raw parameters; tolerances are in units of ε·B scaled by
// the local condition number (dy/dx for values in y, dx/dy for values in x), compared element-wise.
// ---------------------------------------------------------------------------------------------------
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rqSpline, splineKnots } from './internal/spline.js';
import { EPS32, ulpStep, refSpline, refBin, refForward, refInverse, probePoints, runSpline, configs, P } from '../test/spline-reference.js';

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
