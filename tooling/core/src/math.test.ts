import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import { expm1MinusX, normalKlLogScale, normalLogDensity, oneHotFloat, softplus, stopGradient, sumTrailing } from './math.js';

// Float64 closed forms (the textbook expressions, evaluated in JS doubles) as the reference.
const kl64 = (mp: number, sp: number, mq: number, sq: number) => Math.log(sq / sp) + (sp * sp + (mp - mq) ** 2) / (2 * sq * sq) - 0.5;
const logN64 = (x: number, m: number, s: number) => -0.5 * ((x - m) / s) ** 2 - Math.log(s) - 0.5 * Math.log(2 * Math.PI);

describe('normalKlLogScale', () => {
  it('matches the closed form from near-identical laws to scale ratios of 1e±30', () => {
    const cases: Array<[number, number, number, number]> = [[0, 1, 0, 1], [0.1, 1, 0, 1.0001], [1, 2, -1, 0.5], [0, 1e-30, 0, 1], [0, 1e-7, 0, 1], [0, 1e-3, 0.5, 1], [0, 1e30, 0, 1e29], [3, 1e-20, 3, 1e-20], [0, 1, 1e-3, 1]];
    for (const [mp, sp, mq, sq] of cases) {
      const v = tf.tidy(() => normalKlLogScale(mp, Math.log(sp), mq, Math.log(sq)).dataSync()[0]!);
      const ref = kl64(mp, sp, mq, sq);
      expect(Math.abs(v - ref)).toBeLessThanOrEqual(1e-5 * Math.abs(ref) + 1e-7);
    }
  });
  it('has finite gradients at σ_p/σ_q = 1e−30 equal to the analytic ones', () => {
    const g = tf.grads((lp: tf.Tensor, lq: tf.Tensor) => normalKlLogScale(0, lp, 0, lq));
    const [dp, dq] = g([tf.scalar(Math.log(1e-30)), tf.scalar(0)]);
    // ∂KL/∂log σ_p = σ_p²/σ_q² − 1, ∂KL/∂log σ_q = 1 − σ_p²/σ_q²
    expect(dp!.dataSync()[0]).toBeCloseTo(-1, 6);
    expect(dq!.dataSync()[0]).toBeCloseTo(1, 6);
    tf.dispose([dp!, dq!]);
  });
});

describe('normalLogDensity', () => {
  it('matches the closed form and keeps gradients finite at |log σ| = 80', () => {
    for (const [x, m, s] of [[0.3, 0, 1], [1e-20, 0, 1e-30], [5, -2, 1e30], [0, 0, 1e-35]] as const) {
      const v = tf.tidy(() => normalLogDensity(tf.scalar(x), m, Math.log(s)).dataSync()[0]!);
      expect(Math.abs(v - logN64(x, m, s))).toBeLessThanOrEqual(1e-5 * Math.abs(logN64(x, m, s)) + 1e-5);
    }
    const g = tf.grad((ls: tf.Tensor) => normalLogDensity(tf.scalar(0), 0, ls))(tf.scalar(-80));
    expect(g.dataSync()[0]).toBe(-1); // ∂/∂log σ at x = μ is −1
    g.dispose();
    // where e^(−log σ) alone overflows (log σ < −88.7): x = μ gives −log σ − ½·log 2π, not 0·∞ = NaN
    for (const ls of [-100, -150]) {
      const v = tf.tidy(() => normalLogDensity(tf.scalar(0.25), 0.25, tf.scalar(ls)).dataSync()[0]!);
      expect(v).toBeCloseTo(-ls - 0.5 * Math.log(2 * Math.PI), 3);
      const gl = tf.grad((l: tf.Tensor) => normalLogDensity(tf.scalar(0.25), 0.25, l))(tf.scalar(ls));
      expect(gl.dataSync()[0]).toBe(-1);
      gl.dispose();
    }
  });
});

describe('small helpers', () => {
  it('stopGradient passes values and blocks gradients', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(stopGradient(x), x)))(tf.tensor1d([2, 3]));
    expect(Array.from(g.dataSync())).toEqual([2, 3]);
    g.dispose();
  });
  it('sumTrailing, softplus, expm1MinusX against closed forms', () => {
    tf.tidy(() => {
      expect(Array.from(sumTrailing(tf.ones([2, 3, 4]), 2).dataSync())).toEqual([12, 12]);
      expect(Array.from(softplus(tf.tensor1d([-1e4, 0, 1e4])).dataSync())).toEqual([0, Math.fround(Math.log(2)), 1e4]);
      const xs = [-1, -0.05, 1e-4, 0.09, 2];
      const v = expm1MinusX(tf.tensor1d(xs)).dataSync();
      xs.forEach((x, i) => expect(Math.abs(v[i]! - (Math.expm1(x) - x))).toBeLessThanOrEqual(1e-6 * Math.abs(Math.expm1(x) - x)));
    });
  });
  it('softplus has the right first and second derivatives, σ(x) and σ(x)(1 − σ(x)), element by element', () => {
    // tfjs's Exp gradient reads its saved output, which has no path back to x: before softplus had its own
    // gradient, the second derivative was −0.25 at 0 (σ'(0) = +0.25) and 0 at −30
    const xs = [-1e4, -100, -30, -1, 0, 0.5, 1, 5, 1e4];
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    tf.tidy(() => {
      const d1 = tf.grad((x: tf.Tensor) => tf.sum(softplus(x)));
      const d2 = tf.grad((x: tf.Tensor) => tf.sum(d1(x)));
      const g1 = d1(tf.tensor1d(xs)).dataSync();
      const g2 = d2(tf.tensor1d(xs)).dataSync();
      xs.forEach((x, i) => {
        expect(Math.abs(g1[i]! - sig(x))).toBeLessThanOrEqual(1e-7 * sig(x) + 1e-38);
        const ref = sig(x) * (1 - sig(x));
        expect(Math.abs(g2[i]! - ref), `x = ${x}`).toBeLessThanOrEqual(1e-6 * ref + 1e-40);
      });
    });
  });
  it('oneHotFloat is float32 1.0 (not denormal bits) and handles one class', () => {
    tf.tidy(() => {
      expect(Array.from(oneHotFloat(tf.tensor1d([1, 0], 'int32'), 2).dataSync())).toEqual([0, 1, 1, 0]);
      const one = oneHotFloat(tf.tensor1d([0, 0], 'int32'), 1);
      expect(one.shape).toEqual([2, 1]);
      expect(Array.from(one.dataSync())).toEqual([1, 1]);
    });
  });
  it('leaks nothing', () => {
    const x = tf.tensor1d([0.1, 0.2]);
    expectNoLeaks(() => normalKlLogScale(x, x, 0, 0)).dispose();
    expectNoLeaks(() => normalLogDensity(x, 0, x)).dispose();
    x.dispose();
  });
});
