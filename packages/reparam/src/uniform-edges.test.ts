/**
 * Issue 14 ("Numerical edges"): Uniform bounds whose width high − low exceeds the float32 range, element-wise
 * against closed forms in float64 (inputs rounded to float32 first).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks } from '@genmod-internal/testing';
import { Uniform } from './uniform.js';
import { F32_MAX, f, SUBNORMAL, expectElementwise } from '../test/elementwise.js';

describe('issue 14, class 2: Uniform wider than the float32 range', () => {
  // float32 bounds; width w = high − low computed in float64 (up to 6.8e38, beyond float32)
  const low = [-3e38, -F32_MAX, -1e38, 0, 2].map(f);
  const high = [3e38, F32_MAX, 3e38, 1e30, 5].map(f);
  const w = low.map((l, i) => high[i]! - l);

  it('logProb, entropy, cdf, mean, stddev are the float64 closed forms; variance is +Infinity only where it overflows', () => {
    const d = new Uniform({ low, high });
    const xs = [0.1, 0.5, 0.9].map((t) => low.map((l, i) => f(l + t * w[i]!)));
    const r = expectNoLeaks(() => ({ lp: d.logProb(xs), h: d.entropy(), c: d.cdf(xs), m: d.mean(), v: d.variance(), s: d.stddev() }));
    const one = (v: number[]) => v.map(() => 1);
    let worst = 0;
    const lp = r.lp.dataSync();
    for (let k = 0; k < xs.length; k++) {
      const exp = w.map((wi) => -Math.log(wi));
      worst = Math.max(worst, expectElementwise('logProb', lp.slice(k * 5, k * 5 + 5), exp, exp.map(Math.abs), 1e-6));
    }
    const hExp = w.map(Math.log);
    worst = Math.max(worst, expectElementwise('entropy', r.h.dataSync(), hExp, hExp.map(Math.abs), 1e-6));
    const cExp = xs.flatMap((row) => row.map((x, i) => (x - low[i]!) / w[i]!));
    worst = Math.max(worst, expectElementwise('cdf', r.c.dataSync(), cExp, one(cExp), 1e-6));
    const mExp = low.map((l, i) => (l + high[i]!) / 2);
    worst = Math.max(worst, expectElementwise('mean', r.m.dataSync(), mExp, w.map((wi) => wi / 2), 1e-6));
    const sExp = w.map((wi) => wi / Math.sqrt(12));
    worst = Math.max(worst, expectElementwise('stddev', r.s.dataSync(), sExp, sExp, 1e-6));
    const vExp = w.map((wi) => (wi * wi) / 12).map((v) => (v > F32_MAX ? Infinity : v));
    worst = Math.max(worst, expectElementwise('variance', r.v.dataSync(), vExp, vExp, 1e-6));
    expect(worst).toBeLessThan(1e-6);
    tf.dispose(Object.values(r));
    d.dispose();
  });

  it('rsample is low + (high − low)·u, in [low, high], with ∂z/∂low = 1 − u, ∂z/∂high = u; sample too', () => {
    const us = [0, 0.25, 0.5, 0.75, f(1 - 2 ** -24)];
    const noise = tf.tensor2d(us.map((u) => low.map(() => u)));
    const d = new Uniform({ low, high });
    const z = expectNoLeaks(() => d.rsample([us.length], { noise }));
    const zExp = us.flatMap((u) => low.map((l, i) => l + u * w[i]!));
    const zv = z.dataSync();
    const worst = expectElementwise('rsample', zv, zExp, zExp.map((_, j) => w[j % low.length]!), 1e-6);
    expect(worst).toBeLessThan(1e-6);
    for (let j = 0; j < zv.length; j++) {
      expect(zv[j]).toBeGreaterThanOrEqual(low[j % low.length]!);
      expect(zv[j]).toBeLessThanOrEqual(high[j % low.length]!);
    }
    const s = d.sample([1000], { seed: 3 });
    const sv = s.dataSync();
    for (let j = 0; j < sv.length; j++) {
      expect(Number.isFinite(sv[j])).toBe(true);
      expect(sv[j]).toBeGreaterThanOrEqual(low[j % low.length]!);
      expect(sv[j]).toBeLessThanOrEqual(high[j % low.length]!);
    }
    const [gl, gh] = tf.grads((lo: tf.Tensor, hi: tf.Tensor) => tf.sum(new Uniform({ low: lo, high: hi }).rsample([us.length], { noise })))([tf.tensor1d(low), tf.tensor1d(high)]);
    expectClose(gl!, low.map(() => us.reduce((a, u) => a + (1 - u), 0)), { rtol: 1e-6 });
    expectClose(gh!, low.map(() => us.reduce((a, u) => a + u, 0)), { rtol: 1e-6 });
    tf.dispose([z, s, gl!, gh!, noise]);
    d.dispose();
  });

  it('∂ log p/∂low = 1/(high − low) = −∂ log p/∂high, also past the float32 range (subnormal results)', () => {
    const x = low.map((l, i) => f(l + 0.5 * w[i]!));
    const [gl, gh] = tf.grads((lo: tf.Tensor, hi: tf.Tensor) => tf.sum(new Uniform({ low: lo, high: hi }).logProb(x)))([tf.tensor1d(low), tf.tensor1d(high)]);
    const inv = w.map((wi) => 1 / wi);
    // 1/w below 2⁻¹²⁶ is a subnormal float32 (about 20 significant bits at 2e−39)
    expectElementwise('∂/∂low', gl!.dataSync(), inv, inv, 1e-5);
    expectElementwise('∂/∂high', gh!.dataSync(), inv.map((v) => -v), inv, 1e-5);
    tf.dispose([gl!, gh!]);
  });

  it('cdf gradients never square the width: ∂F/∂low = (x − high)/w², ∂F/∂high = −(x − low)/w², ∂F/∂x = 1/w, w from 1e−30 to 6e38', () => {
    const lo = [0, 1, -1e-10, -3e38, 5].map(f);
    const hi = [1e-30, f(1 + 2 ** -20), 1e-10, 3e38, 1e25].map(f);
    const xs = lo.map((l, i) => f(l + 0.3 * (hi[i]! - l)));
    const [gx, gl, gh] = tf.grads((xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.sum(new Uniform({ low: a, high: b }).cdf(xx)))([tf.tensor1d(xs), tf.tensor1d(lo), tf.tensor1d(hi)]);
    const ww = lo.map((l, i) => hi[i]! - l);
    const sz = ww.map((v) => Math.max(1 / v, SUBNORMAL));
    let worst = expectElementwise('∂F/∂x', gx!.dataSync(), ww.map((v) => 1 / v), sz, 1e-5);
    worst = Math.max(worst, expectElementwise('∂F/∂low', gl!.dataSync(), xs.map((x, i) => (x - hi[i]!) / ww[i]! ** 2), sz, 1e-5));
    worst = Math.max(worst, expectElementwise('∂F/∂high', gh!.dataSync(), xs.map((x, i) => -(x - lo[i]!) / ww[i]! ** 2), sz, 1e-5));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([gx!, gl!, gh!]);
  });
});
