// qSample, qPosterior, the parameterization conversions and the reverse mean against diffusion_examples.json,
// with t as a number, as an array and as an int32 tensor (the gather path); the posterior against Bayes' rule.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean, ksCritical, ksStatistic } from '@genmod-internal/testing';
import { examplesGolden } from '../test/golden.js';
import {
  cosineSchedule, linearSchedule, predictEpsFromV, predictEpsFromX0, predictX0AndEps, predictX0FromEps, predictX0FromV, qPosterior, qSample,
  rescaleZeroTerminalSnr, reverseMeanFromEps, velocity, type Schedule,
} from './index.js';

const g = examplesGolden();
const schedules: Record<string, Schedule> = { linear: linearSchedule(1000), cosine: cosineSchedule(1000) };
// the tensor-t path gathers from the schedules' float32 tensors: upload them before the leak checks
Object.values(schedules).forEach((s) => s.tensors());
afterAll(() => Object.values(schedules).forEach((s) => s.dispose()));

const cases = g.examples.flatMap((e) => e.rows.map((r) => [e.schedule, r.t_index, r] as const));
const tVariants = [
  ['a number', (i: number) => i],
  ['an array [B]', (i: number) => [i, i, i]],
  ['an int32 tensor [B]', (i: number) => tf.tensor1d([i, i, i], 'int32')],
] as const;

describe.each(tVariants)('golden examples with t as %s', (_kind, makeT) => {
  it.each(cases)('%s schedule, t index %d', (name, i, row) => {
    const s = schedules[name]!;
    const x0 = tf.tensor2d(g.x0);
    const eps = tf.tensor2d(g.eps);
    const t = makeT(i);
    expect(s.alphasCumprod[i]).toBeCloseTo(row.alpha_bar, 15);
    const xt = expectNoLeaks(() => qSample(x0, t, s, { noise: eps }), 'qSample');
    expectClose(xt, row.x_t, { rtol: 1e-6, atol: 1e-6, label: 'x_t' });
    const post = expectNoLeaks(() => qPosterior(x0, xt, t, s), 'qPosterior');
    expectClose(post.mean, row.posterior_mean, { rtol: 1e-5, atol: 1e-6, label: 'posterior mean' });
    expectClose(tf.reshape(post.variance, [-1]), new Array(typeof t === 'number' ? 1 : 3).fill(row.posterior_variance), { rtol: 1e-6, atol: 0, label: 'β̃' });
    const rev = expectNoLeaks(() => reverseMeanFromEps(xt, t, eps, s), 'reverseMeanFromEps');
    // at t = 1000 of the cosine schedule (β = 0.999) x_t − β/√(1 − ᾱ)·ε cancels to ~1e-3 before ×1/√α ≈ 31.6
    expectClose(rev, row.reverse_mean_from_eps, { rtol: 1e-4, atol: 2e-5, label: 'reverse mean from ε' });
    tf.dispose([x0, eps, xt, post.mean, post.variance, post.logVariance, rev, t as tf.Tensor]);
  });
});

describe('conversions between ε, x₀ and v', () => {
  it.each(['linear', 'cosine'])('round-trip exactly (to float32) at every golden t, %s', (name) => {
    const s = schedules[name]!;
    const x0 = tf.tensor2d(g.x0);
    const eps = tf.tensor2d(g.eps);
    for (const i of [0, 9, 499, 998]) {
      const xt = qSample(x0, i, s, { noise: eps });
      const v = expectNoLeaks(() => velocity(x0, eps, i, s), 'velocity');
      const tol = { rtol: 2e-4, atol: 2e-4 };
      expectClose(expectNoLeaks(() => predictX0FromEps(xt, i, eps, s)), x0, { ...tol, label: `x0 from ε at ${i}` });
      expectClose(expectNoLeaks(() => predictEpsFromX0(xt, i, x0, s)), eps, { ...tol, label: `ε from x0 at ${i}` });
      expectClose(expectNoLeaks(() => predictX0FromV(xt, i, v, s)), x0, { rtol: 1e-5, atol: 1e-5, label: `x0 from v at ${i}` });
      expectClose(expectNoLeaks(() => predictEpsFromV(xt, i, v, s)), eps, { rtol: 1e-5, atol: 1e-5, label: `ε from v at ${i}` });
      // v = √ᾱ ε − √(1−ᾱ) x0, checked in float64
      const a = Math.sqrt(s.alphasCumprod[i]!);
      const b = Math.sqrt(1 - s.alphasCumprod[i]!);
      expectClose(v, g.eps.map((r, j) => r.map((e, k) => a * e - b * g.x0[j]![k]!)), { rtol: 1e-6, atol: 1e-6, label: 'v' });
      for (const prediction of ['epsilon', 'x0', 'v'] as const) {
        const out = prediction === 'epsilon' ? eps : prediction === 'x0' ? x0 : v;
        const r = expectNoLeaks(() => predictX0AndEps(out, xt, i, s, { prediction }), 'predictX0AndEps');
        expect(r.x0).not.toBe(out);
        expect(r.eps).not.toBe(out);
        expectClose(r.x0, x0, { ...tol, label: `${prediction}: x0` });
        expectClose(r.eps, eps, { ...tol, label: `${prediction}: ε` });
        tf.dispose([r.x0, r.eps]);
      }
      tf.tidy(() => void 0);
      tf.dispose([xt, v]);
    }
    tf.dispose([x0, eps]);
  });

  it('v stays finite where ᾱ = 0 (zero terminal SNR), ε → x₀ does not', () => {
    const s = rescaleZeroTerminalSnr(linearSchedule(1000));
    const xt = tf.tensor2d([[0.3, -1]]);
    const vHat = tf.tensor2d([[0.5, 0.5]]);
    expectClose(predictX0FromV(xt, 999, vHat, s), [[-0.5, -0.5]], { rtol: 0, atol: 1e-7 });
    expectClose(predictEpsFromV(xt, 999, vHat, s), [[0.3, -1]], { rtol: 0, atol: 1e-7 });
    expect(Number.isFinite(predictX0FromEps(xt, 999, vHat, s).dataSync()[0])).toBe(false);
  });
});

describe('qSample', () => {
  it('draws q(x_t | x₀) = N(√ᾱ x₀, 1 − ᾱ): KS test on 4000 draws', () => {
    const s = schedules.linear!;
    const n = 4000;
    const i = 300;
    const xt = qSample(tf.fill([n, 1], 1.5), i, s, { seed: 11 });
    const m = Math.sqrt(s.alphasCumprod[i]!) * 1.5;
    const sd = Math.sqrt(1 - s.alphasCumprod[i]!);
    const erf = (x: number) => { const tt = 1 / (1 + 0.3275911 * Math.abs(x)); const y = 1 - (((((1.061405429 * tt - 1.453152027) * tt) + 1.421413741) * tt - 0.284496736) * tt + 0.254829592) * tt * Math.exp(-x * x); return x >= 0 ? y : -y; };
    const cdf = (x: number) => 0.5 * (1 + erf((x - m) / sd / Math.SQRT2));
    expect(ksStatistic(xt.dataSync(), cdf)).toBeLessThan(ksCritical(n, 1e-3));
    xt.dispose();
  });

  it('is reproducible with a seed, fresh without, and differentiable in x₀ (∂x_t/∂x₀ = √ᾱ)', () => {
    const s = schedules.cosine!;
    const x0 = tf.zeros([3, 2]);
    const a = qSample(x0, [1, 2, 3], s, { seed: 5 });
    const b = qSample(x0, [1, 2, 3], s, { seed: 5 });
    const c = qSample(x0, [1, 2, 3], s, { seed: 6 });
    expectClose(a, b, { rtol: 0, atol: 0 });
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(1e-3);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(qSample(x, [0, 500, 999], s, { seed: 1 })))(x0);
    expectClose(grad, [0, 500, 999].map((i) => [Math.sqrt(s.alphasCumprod[i]!), Math.sqrt(s.alphasCumprod[i]!)]), { rtol: 1e-6, atol: 0 });
    tf.dispose([x0, a, b, c, grad]);
  });

  it('with host timesteps, uploads nothing from the schedule (reads its float64 arrays)', () => {
    const fresh = linearSchedule(1000);
    const x0 = tf.ones([2, 2]);
    tf.dispose(expectNoLeaks(() => qSample(x0, [3, 999], fresh, { seed: 1 })));
    x0.dispose();
    fresh.dispose();
  });

  it('accepts any rank with the batch first, and a scalar t for every example', () => {
    const s = schedules.linear!;
    const x0 = tf.ones([2, 3, 4, 1]);
    const xt = qSample(x0, [0, 999], s, { noise: tf.zerosLike(x0) });
    expectClose(tf.slice(xt, [1, 0, 0, 0], [1, 1, 1, 1]), [[[[Math.sqrt(s.alphasCumprod[999]!)]]]], { rtol: 1e-6, atol: 0 });
    expect(qSample(5, 3, s, { seed: 1 }).shape).toEqual([]);
    tf.dispose([x0, xt]);
  });
});

describe("the posterior agrees with Bayes' rule", () => {
  it.each([['linear', 1], ['linear', 400], ['cosine', 50], ['cosine', 998]] as const)('%s, t index %d: moments of q(x_t | x_{t−1})·q(x_{t−1} | x₀) on a grid', (name, i) => {
    const s = schedules[name]!;
    const x0 = 0.8;
    const xt = -0.4;
    // unnormalized log density of x_{t−1} in float64, integrated on a fine grid
    const ap = s.alphasCumprodPrev[i]!;
    const beta = s.betas[i]!;
    const logq = (y: number) => -((xt - Math.sqrt(1 - beta) * y) ** 2) / (2 * beta) - (y - Math.sqrt(ap) * x0) ** 2 / (2 * (1 - ap));
    // center and width from the product's scale
    const prec = (1 - beta) / beta + 1 / (1 - ap);
    const c = (Math.sqrt(1 - beta) * xt / beta + Math.sqrt(ap) * x0 / (1 - ap)) / prec;
    const w = 12 / Math.sqrt(prec);
    const n = 20001;
    let z = 0;
    let m1 = 0;
    let m2 = 0;
    const ref = logq(c);
    for (let k = 0; k < n; k++) {
      const y = c - w + (2 * w * k) / (n - 1);
      const p = Math.exp(logq(y) - ref);
      z += p;
      m1 += p * y;
      m2 += p * y * y;
    }
    const mean = m1 / z;
    const variance = m2 / z - mean * mean;
    const post = qPosterior([x0], [xt], i, s);
    expectClose(post.mean, [mean], { rtol: 1e-5, atol: 1e-6, label: 'mean' });
    expectClose(post.variance, variance, { rtol: 1e-4, atol: 0, label: 'variance' });
    expectClose(post.logVariance, Math.log(variance), { rtol: 1e-5, atol: 1e-5, label: 'log variance' });
    tf.dispose([post.mean, post.variance, post.logVariance]);
  });
});

describe('errors name the argument and allocate nothing', () => {
  const s = linearSchedule(10);
  const tOutOfRange = tf.tensor1d([0, 10], 'int32');
  const tFloat = tf.tensor1d([1]);
  const xInt = tf.tensor1d([1], 'int32');
  afterAll(() => tf.dispose([tOutOfRange, tFloat, xInt]));
  it.each([
    ['t = T', () => qSample([[1, 2]], 10, s), /qSample: t must be an integer in \[0, 10\), got 10/],
    ['t < 0', () => qPosterior([[1]], [[1]], [-1], s), /qPosterior: t must be integers in \[0, 10\), got t\[0\] = -1/],
    ['t fractional', () => qSample([[1]], 0.5, s), /qSample: t must be an integer in \[0, 10\), got 0\.5/],
    ['t tensor out of range', () => qSample([[1], [2]], tOutOfRange, s), /qSample: t must be integers in \[0, 10\), got values in \[0, 10\]/],
    ['t float tensor', () => qSample([[1]], tFloat, s), /qSample: t must be an int32 tensor of shape \[\] or \[B\], got a float32 tensor of shape \[1\]/],
    ['t of the wrong batch', () => qSample([[1], [2]], [1, 2, 3], s), /qSample: t must be a scalar or of shape \[B\] with B = 2 \(the batch size\), got shape \[3\]/],
    ['noise of another shape', () => qSample([[1, 2]], 1, s, { noise: [[1, 2, 3]] }), /qSample: options\.noise must be of x0's shape \[1, 2\], got shape \[1, 3\]/],
    ['xt of another shape', () => qPosterior([[1, 2]], [[1, 2], [3, 4]], 1, s), /qPosterior: xt must be of x0's shape \[1, 2\], got shape \[2, 2\]/],
    ['int x0', () => qSample(xInt, 0, s), /qSample: x0 must be a float32 tensor, got a int32 tensor of shape \[1\]/],
    ['not a schedule', () => qSample([1], 0, {} as Schedule), /qSample: schedule must be a Schedule/],
    ['bad seed', () => qSample([1], 0, s, { seed: NaN }), /qSample: options\.seed must be a finite number or a string, got NaN/],
    ['eps of another shape', () => predictX0FromEps([[1, 2]], 0, [[1]], s), /predictX0FromEps: eps must be of xt's shape \[1, 2\], got shape \[1, 1\]/],
    ['bad prediction', () => predictX0AndEps([1], [1], 0, s, { prediction: 'noise' as 'v' }), /predictX0AndEps: options\.prediction must be one of 'epsilon', 'x0', 'v', got noise/],
  ] as const)('%s', (_name, run, pattern) => {
    expectThrowsClean(run as () => unknown, pattern);
  });
});
