import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGradient, chiSquare, chiSquareCritical, countLabels, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { cosineSchedule, diffusionLoss, linearSchedule, respace, trailingTimesteps, type Prediction } from './index.js';

const schedule = cosineSchedule(1000);
afterAll(() => schedule.dispose());

const x0Values = [[1, -0.5], [0.25, 2], [-1.5, 0.75], [0.1, 0.2]];
const epsValues = [[0.3, -0.8], [0.4, 1.6], [1.2, 0.4], [-0.5, 0.9]];
const ts = [0, 10, 500, 999];
/** A fixed linear "network" so that the loss has a known value. */
const w = tf.keep(tf.tensor2d([[0.9, 0.1], [-0.2, 0.7]]));
const denoiser = (xt: tf.Tensor, t: tf.Tensor) => tf.add(tf.matMul(xt, w), tf.mul(tf.expandDims(tf.cast(t, 'float32'), 1), 1e-3));

/** The loss in float64 on the host. */
function hostLoss(prediction: Prediction, gamma?: number): number {
  let total = 0;
  ts.forEach((i, b) => {
    const a = Math.sqrt(schedule.alphasCumprod[i]!);
    const s = Math.sqrt(1 - schedule.alphasCumprod[i]!);
    const x0 = x0Values[b]!;
    const eps = epsValues[b]!;
    const xt = x0.map((v, d) => a * v + s * eps[d]!);
    const wv = w.arraySync() as number[][];
    const out = [0, 1].map((d) => xt[0]! * wv[0]![d]! + xt[1]! * wv[1]![d]! + 1e-3 * i);
    const target = prediction === 'epsilon' ? eps : prediction === 'x0' ? x0 : x0.map((v, d) => a * eps[d]! - s * v);
    const mse = (out[0]! - target[0]!) ** 2 / 2 + (out[1]! - target[1]!) ** 2 / 2;
    const snr = schedule.snr[i]!;
    const weight = gamma === undefined ? 1 : prediction === 'epsilon' ? Math.min(snr, gamma) / snr : prediction === 'x0' ? Math.min(snr, gamma) : Math.min(snr, gamma) / (snr + 1);
    total += weight * mse;
  });
  return total / ts.length;
}

describe('diffusionLoss', () => {
  it.each([
    ['epsilon', undefined],
    ['x0', undefined],
    ['v', undefined],
    ['epsilon', 5],
    ['x0', 5],
    ['v', 5],
  ] as const)('%s prediction, min-SNR γ = %s: matches the float64 formula', (prediction, gamma) => {
    schedule.tensors(); // the tensor-t path's upload, outside the leak check
    for (const t of [ts, tf.tensor1d(ts, 'int32')]) {
      const loss = expectNoLeaks(() => diffusionLoss(denoiser, x0Values, schedule, { prediction, minSnrGamma: gamma, t, noise: epsValues }));
      expect(loss.shape).toEqual([]);
      expectClose(loss, hostLoss(prediction, gamma), { rtol: 1e-5, atol: 1e-6, label: 'loss' });
      tf.dispose([loss, t as tf.Tensor]);
    }
  });

  it('min-SNR weights: ε gets min(1, γ/SNR) (1 at low SNR, small at t → 0), x₀ min(SNR, γ)', () => {
    const hi = schedule.snr[0]!;
    expect(hi).toBeGreaterThan(1e4);
    const l = diffusionLoss(denoiser, [[1, 1]], schedule, { minSnrGamma: 5, t: [0], noise: [[0, 0]] });
    const u = diffusionLoss(denoiser, [[1, 1]], schedule, { t: [0], noise: [[0, 0]] });
    expectClose(l, tf.mul(u, 5 / hi), { rtol: 1e-5, atol: 0 });
    tf.dispose([l, u]);
  });

  it('draws t uniformly over [0, T) (chi-square over 20000 draws, T = 10)', () => {
    const small = linearSchedule(10);
    const seen: number[] = [];
    const spy = (xt: tf.Tensor, t: tf.Tensor) => {
      seen.push(...(t.dataSync() as Int32Array));
      return tf.zerosLike(xt);
    };
    tf.dispose(diffusionLoss(spy, tf.zeros([20000, 1]), small, { seed: 3 }));
    const { statistic, df } = chiSquare(countLabels(seen, 10), new Array(10).fill(0.1));
    expect(statistic).toBeLessThan(chiSquareCritical(df, 1e-3));
  });

  it('the denoiser sees the original timesteps of a respaced schedule', () => {
    const fast = respace(linearSchedule(1000), trailingTimesteps(1000, 4));
    const seen: number[] = [];
    const spy = (xt: tf.Tensor, t: tf.Tensor) => {
      seen.push(...(t.dataSync() as Int32Array));
      return tf.zerosLike(xt);
    };
    tf.dispose(diffusionLoss(spy, tf.zeros([4, 1]), fast, { t: [0, 1, 2, 3] }));
    tf.dispose(diffusionLoss(spy, tf.zeros([2, 1]), fast, { t: tf.tensor1d([3, 0], 'int32') }));
    expect(seen).toEqual([249, 499, 749, 999, 999, 249]);
    fast.dispose();
  });

  it('is reproducible with a seed and varies with it', () => {
    const a = diffusionLoss(denoiser, x0Values, schedule, { seed: 1 });
    const b = diffusionLoss(denoiser, x0Values, schedule, { seed: 1 });
    const c = diffusionLoss(denoiser, x0Values, schedule, { seed: 2 });
    expect(a.dataSync()[0]).toBe(b.dataSync()[0]);
    expect(a.dataSync()[0]).not.toBe(c.dataSync()[0]);
    tf.dispose([a, b, c]);
  });

  it("is differentiable in the denoiser's weights (finite differences)", () => {
    const w0 = tf.tensor2d([[0.5, -0.3], [0.2, 0.8]]);
    for (const prediction of ['epsilon', 'v'] as const) {
      checkGradient((v) => diffusionLoss((xt) => tf.matMul(xt, v), x0Values, schedule, { prediction, minSnrGamma: 5, t: ts, noise: epsValues }), w0, { eps: 1e-2, rtol: 1e-2 });
    }
    w0.dispose();
  });

  it('trains: a linear denoiser fits ε on Gaussian data (loss drops)', () => {
    const v = tf.variable(tf.zeros([2, 2]));
    const data = tf.randomNormal([256, 2], 0, 1, 'float32', 9);
    const opt = tf.train.adam(0.05);
    const net = (xt: tf.Tensor) => tf.matMul(xt, v);
    // before and after on the same held-out draw of (t, ε), so that the drop is the training's, not the draw's
    const evaluate = () => tf.tidy(() => diffusionLoss(net, data, schedule, { seed: 'held-out' })).dataSync()[0]!;
    const first = evaluate();
    for (let step = 0; step < 60; step++) tf.dispose(opt.minimize(() => diffusionLoss(net, data, schedule, { seed: step }), true, [v])!);
    const last = evaluate();
    expect(last).toBeLessThan(0.6 * first);
    tf.dispose([v, data]);
    opt.dispose();
  });

  it('names bad arguments before allocating', () => {
    const bad = (xt: tf.Tensor) => tf.zeros([xt.shape[0]!, 3]);
    expectThrowsClean(() => diffusionLoss(bad, [[1, 2]], schedule, { t: [0] }), /diffusionLoss: the denoiser output must be a float32 tensor of the input's shape \[1, 2\], got a float32 tensor of shape \[1, 3\]/);
    expectThrowsClean(() => diffusionLoss(denoiser, [[1, 2]], schedule, { minSnrGamma: 0 }), /diffusionLoss: options\.minSnrGamma must be a finite number > 0, got 0/);
    expectThrowsClean(() => diffusionLoss(denoiser, [[1, 2]], schedule, { t: [1000] }), /diffusionLoss: options\.t must be integers in \[0, 1000\), got options\.t\[0\] = 1000/);
    expectThrowsClean(() => diffusionLoss(denoiser, [1, 2], schedule, { t: [1, 2, 3] }), /options\.t must be a scalar or of shape \[B\] with B = 2/);
    expectThrowsClean(() => diffusionLoss('net' as never, [[1, 2]], schedule), /diffusionLoss: denoiser must be a function \(xt, t\) => Tensor, got net/);
    expectThrowsClean(() => diffusionLoss(denoiser, 3, schedule), /diffusionLoss: x0 must be a tensor of rank ≥ 1, got 3/);
  });
});
