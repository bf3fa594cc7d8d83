// DDPM and DDIM with the oracle denoiser of a known Gaussian: they recover its mean and variance, match the
// exact linear-Gaussian recursion on respaced schedules, DDIM with η = 0 is deterministic; the iteration
// yields, reports progress, stops on an AbortSignal and keeps the tensor count flat.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaksAsync, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { oracleDenoiser } from '../test/oracle.js';
import { moments } from '../test/sigma-oracle.js';
import { ddimSample, ddpmSample, dynamicThreshold, finalSample, linearSchedule, linspaceTimesteps, respace, trailingTimesteps, type Schedule, type SamplerStep } from './index.js';

const MU = [0.7, -0.4];
const S = 0.4;
const N = 4000;
const base = linearSchedule(1000);
afterAll(() => base.dispose());

/**
 * The exact law of the sampler's output for this oracle (everything is linear-Gaussian), per coordinate,
 * by the float64 recursion x_{t−1} = a·x_t + c + σ·z from x_T ~ N(0, 1).
 */
function exactLaw(schedule: Schedule, mu: number, kind: 'ddpm-posterior' | 'ddpm-beta' | 'ddim', eta = 0): { mean: number; sd: number } {
  let m = 0;
  let v = 1;
  for (let k = schedule.T - 1; k >= 0; k--) {
    const ab = schedule.alphasCumprod[k]!;
    const abPrev = schedule.alphasCumprodPrev[k]!;
    const A = (S * S * Math.sqrt(ab)) / (ab * S * S + 1 - ab); // x̂₀ = A·x_t + Bc
    const Bc = mu - A * Math.sqrt(ab) * mu;
    let a: number;
    let c: number;
    let noise: number;
    if (kind === 'ddim') {
      const sigma = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
      const dir = Math.sqrt(1 - abPrev - sigma * sigma);
      // ε̂ = (x_t − √ab·x̂₀)/√(1 − ab)
      const ea = (1 - Math.sqrt(ab) * A) / Math.sqrt(1 - ab);
      const ec = (-Math.sqrt(ab) * Bc) / Math.sqrt(1 - ab);
      a = Math.sqrt(abPrev) * A + dir * ea;
      c = Math.sqrt(abPrev) * Bc + dir * ec;
      noise = sigma * sigma;
    } else {
      const c1 = schedule.posteriorMeanCoef1[k]!;
      const c2 = schedule.posteriorMeanCoef2[k]!;
      a = c1 * A + c2;
      c = c1 * Bc;
      noise = k === 0 ? 0 : kind === 'ddpm-posterior' ? schedule.posteriorVariance[k]! : schedule.betas[k]!;
    }
    m = a * m + c;
    v = a * a * v + noise;
  }
  return { mean: m, sd: Math.sqrt(v) };
}

/** |mean − want| within z·sd/√N + bias; |sd − want| within z·sd/√(2N) + bias. */
function expectLaw(got: { mean: number[]; sd: number[] }, want: { mean: number; sd: number }[], bias = 0, label = '') {
  const z = zCritical(1e-3);
  [0, 1].forEach((d) => {
    expect(Math.abs(got.mean[d]! - want[d]!.mean), `${label} mean[${d}] ${got.mean[d]} vs ${want[d]!.mean}`).toBeLessThan((z * want[d]!.sd) / Math.sqrt(N) + bias);
    expect(Math.abs(got.sd[d]! - want[d]!.sd), `${label} sd[${d}] ${got.sd[d]} vs ${want[d]!.sd}`).toBeLessThan((z * want[d]!.sd) / Math.sqrt(2 * N) + bias);
  });
}

describe('sampling the oracle of N(μ, s²I) recovers its mean and variance', () => {
  it('DDPM over all 1000 steps (β̃ variance): mean and sd of N(μ, 0.4²) within sampling error + 1% (the fixed-variance bias)', async () => {
    const counts: number[] = [];
    const x = await expectNoLeaksAsync(() =>
      finalSample(ddpmSample(oracleDenoiser(base, MU, S), [N, 2], base, { seed: 1 }), () => counts.push(tf.memory().numTensors)),
    );
    expect(counts).toHaveLength(1000);
    expect(new Set(counts).size, 'tensor count over the loop').toBe(1);
    const got = moments(x);
    expectLaw(got, MU.map((m) => ({ mean: m, sd: S })), 0.01 * S, 'DDPM');
    expectLaw(got, MU.map((m) => exactLaw(base, m, 'ddpm-posterior')), 0, 'DDPM exact law');
    x.dispose();
  });

  it('DDIM η = 0 over all 1000 steps (the probability-flow ODE)', async () => {
    const x = await finalSample(ddimSample(oracleDenoiser(base, MU, S), [N, 2], base, { seed: 2 }));
    expectLaw(moments(x), MU.map((m) => ({ mean: m, sd: S })), 0.01 * S, 'DDIM');
    x.dispose();
  });

  it.each([
    ['DDIM η = 0, 50 trailing steps', () => respace(base, trailingTimesteps(1000, 50)), 'ddim', 0],
    ['DDIM η = 1, 50 trailing steps', () => respace(base, trailingTimesteps(1000, 50)), 'ddim', 1],
    ['DDPM β, 100 linspace steps', () => respace(base, linspaceTimesteps(1000, 100)), 'ddpm-beta', 0],
    ['DDPM β̃, 20 linspace steps', () => respace(base, linspaceTimesteps(1000, 20)), 'ddpm-posterior', 0],
  ] as const)('%s: matches the exact linear-Gaussian law of the respaced chain', async (_name, make, kind, eta) => {
    const s = make();
    const d = oracleDenoiser(s, MU, S);
    const it = kind === 'ddim' ? ddimSample(d, [N, 2], s, { eta, seed: 3 }) : ddpmSample(d, [N, 2], s, { variance: kind === 'ddpm-beta' ? 'beta' : 'posterior', seed: 3 });
    const x = await finalSample(it);
    expectLaw(moments(x), MU.map((m) => exactLaw(s, m, kind, eta)), 0, kind);
    x.dispose();
    s.dispose();
  });
});

describe('the async iteration', () => {
  const fast = respace(base, trailingTimesteps(1000, 10));
  const d = oracleDenoiser(fast, MU, S);
  const xT = tf.keep(tf.randomNormal([64, 2], 0, 1, 'float32', 8));
  afterAll(() => {
    xT.dispose();
    fast.dispose();
  });

  it('DDIM with η = 0 is deterministic: the same x_T gives the same sample whatever the seed; η = 1 does not', async () => {
    const a = await finalSample(ddimSample(d, [64, 2], fast, { xT, seed: 1 }));
    const b = await finalSample(ddimSample(d, [64, 2], fast, { xT, seed: 99 }));
    expectClose(a, b, { rtol: 0, atol: 0, label: 'η = 0' });
    const c = await finalSample(ddimSample(d, [64, 2], fast, { xT, eta: 1, seed: 1 }));
    const e = await finalSample(ddimSample(d, [64, 2], fast, { xT, eta: 1, seed: 99 }));
    expect(tf.max(tf.abs(tf.sub(c, e))).dataSync()[0]).toBeGreaterThan(1e-2);
    const again = await finalSample(ddimSample(d, [64, 2], fast, { xT, eta: 1, seed: 1 }));
    expectClose(c, again, { rtol: 0, atol: 0, label: 'η = 1, same seed' });
    tf.dispose([a, b, c, e, again]);
    expect(xT.isDisposed).toBe(false);
  });

  it('reports progress and the original timesteps, and hands the final x to the caller', async () => {
    const steps: Pick<SamplerStep, 'step' | 'total' | 'progress' | 'index' | 'timestep' | 'final'>[] = [];
    let last: SamplerStep | undefined;
    const gen = ddpmSample(d, [64, 2], fast, { seed: 4 });
    for await (const s of gen) {
      steps.push({ step: s.step, total: s.total, progress: s.progress, index: s.index, timestep: s.timestep, final: s.final });
      last = s;
    }
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(steps.map((s) => s.timestep)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(steps[9]).toMatchObject({ progress: 1, index: 0, final: true, total: 10 });
    expect(last!.x.isDisposed).toBe(false);
    expect(last!.predX0.isDisposed).toBe(true);
    last!.x.dispose();
  });

  it('yields to the event loop between steps', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const x = await finalSample(ddimSample((xt) => tf.tidy(() => {
      const t0 = Date.now();
      while (Date.now() - t0 < 3); // a slow network
      return tf.zerosLike(xt);
    }), [4, 2], fast));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2);
    x.dispose();
  });

  it('stops on an AbortSignal with the abort reason, freeing everything', async () => {
    const controller = new AbortController();
    let seen = 0;
    await expectNoLeaksAsync(async () => {
      const run = finalSample(ddpmSample(d, [64, 2], fast, { seed: 5, signal: controller.signal }), (s) => {
        seen = s.step;
        if (s.step === 3) controller.abort();
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    });
    expect(seen).toBe(3);
    // already aborted: nothing runs
    await expect(finalSample(ddimSample(d, [64, 2], fast, { signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('breaking out early frees the current step (clone what you keep)', async () => {
    let kept: tf.Tensor | undefined;
    await expectNoLeaksAsync(async () => {
      for await (const s of ddimSample(d, [64, 2], fast, { seed: 6 })) {
        if (s.step === 4) {
          kept = tf.clone(s.x);
          break;
        }
      }
      return kept;
    });
    expect(kept!.shape).toEqual([64, 2]);
    kept!.dispose();
  });

  it('clips x̂₀ or thresholds it dynamically', async () => {
    const wild = (xt: tf.Tensor) => tf.mul(xt, 5); // predicts a large ε → x̂₀ far outside [−1, 1]
    for (const options of [{ clipX0: true }, { dynamicThreshold: true }, { clipX0: 2 }] as const) {
      const limit = 'clipX0' in options && options.clipX0 === 2 ? 2 : 1;
      for await (const s of ddimSample(wild, [32, 2], fast, { ...options, prediction: 'epsilon', seed: 1 })) {
        const v = s.predX0.dataSync();
        expect(Math.max(...Array.from(v, Math.abs))).toBeLessThanOrEqual(limit + 1e-6);
        if (s.final) s.x.dispose();
      }
    }
  });

  it('names bad arguments when called, before allocating', () => {
    expectThrowsClean(() => ddpmSample(d, [0, 2], fast), /ddpmSample: shape must be a non-empty shape \[B, \.\.\.\] with B ≥ 1, got \[0, 2\]/);
    expectThrowsClean(() => ddimSample(d, [4, 2], fast, { xT: [[1, 2]] }), /ddimSample: options\.xT must be of the requested sample's shape \[4, 2\], got shape \[1, 2\]/);
    expectThrowsClean(() => ddimSample(d, [4, 2], fast, { clipX0: true, dynamicThreshold: true }), /ddimSample: options\.dynamicThreshold must be absent when options\.clipX0 is set/);
    expectThrowsClean(() => ddimSample(d, [4, 2], fast, { eta: -1 }), /ddimSample: options\.eta must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => ddpmSample(d, [4, 2], fast, { variance: [1] }), /ddpmSample: options\.variance must be 'posterior', 'beta' or 10 variances/);
    expectThrowsClean(() => ddpmSample(d, [4, 2], fast, { signal: {} as AbortSignal }), /ddpmSample: options\.signal must be an AbortSignal/);
    expectThrowsClean(() => ddpmSample(d, [4, 2], fast, { clipX0: -1 }), /options\.clipX0 must be a boolean or a positive number/);
  });

  it('a denoiser output of the wrong shape fails the step with a clear message, freeing what it made', async () => {
    const bad = (xt: tf.Tensor) => tf.zeros([xt.shape[0]!, 3]);
    await expectNoLeaksAsync(async () => {
      await expect(finalSample(ddimSample(bad, [64, 2], fast, { xT }))).rejects.toThrow(/ddimSample: the denoiser output must be a float32 tensor of the input's shape \[64, 2\], got a float32 tensor of shape \[64, 3\]/);
    });
  });
});

describe('dynamicThreshold', () => {
  it('divides by the per-example percentile of |x̂₀| (torch.quantile interpolation), at least 1', () => {
    const x = tf.tensor2d([[0.5, -3, 2, 0.1], [0.2, -0.3, 0.1, 0.4]]);
    const y = dynamicThreshold(x, { percentile: 0.9 });
    // row 0: |x| sorted 0.1 0.5 2 3, position 0.9·3 = 2.7 → 2 + 0.7·(3 − 2) = 2.7; row 1: quantile 0.37 < 1 → s = 1
    expectClose(y, [[0.5 / 2.7, -1, 2 / 2.7, 0.1 / 2.7], [0.2, -0.3, 0.1, 0.4]], { rtol: 1e-6, atol: 1e-7 });
    expectClose(dynamicThreshold(x, { percentile: 0.9, maxValue: 2 }), [[0.25, -1, 1, 0.05], [0.2, -0.3, 0.1, 0.4]], { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([x, y]);
    expectThrowsClean(() => dynamicThreshold([[1]], { percentile: 0 }), /dynamicThreshold: options\.percentile must be a finite number > 0 and ≤ 1, got 0/);
  });
});
