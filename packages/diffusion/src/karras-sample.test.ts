// Euler, Heun and Euler ancestral on σ grids, with the exact denoiser of Gaussian data N(μ, s²I) for fractional
// timesteps (test/sigma-oracle.ts): the timesteps the denoiser sees (fractional float32 or quantized int32),
// and the iteration's contract (leaks, abort, determinism, bad input). The order, the law of the samples, DDIM
// equivalence and the grids are in karras-sample-order, karras-sample-law, karras-sample-ddim and
// karras-sigmas.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaksAsync, expectThrowsClean } from '@genmod-internal/testing';
import {
  eulerAncestralSample,
  eulerSample,
  finalSample,
  heunSample,
  karrasSigmas,
  linearSchedule,
  rescaleZeroTerminalSnr,
  respace,
  scheduleSigmas,
  trailingTimesteps,
  type SamplerStep,
  type Schedule,
} from './index.js';
import { gaussianOracle, MU, ownSigmas, S, sigmaOfTimestep, type Sampler } from '../test/sigma-oracle.js';

const base = linearSchedule(1000);
afterAll(() => base.dispose());

describe('timesteps: fractional float32, or quantized int32', () => {
  it('the denoiser sees float32 timesteps whose σ (log-interpolated by the test) is the grid’s σ', async () => {
    const d = gaussianOracle(base, MU, S);
    const sigmas = karrasSigmas(base, 7);
    const seen: number[] = [];
    const x = await finalSample(eulerSample(d, [8, 2], base, { sigmas, seed: 1 }), (s) => seen.push(s.timestep));
    expect(d.dtypes).toEqual(new Set(['float32']));
    expect(d.timesteps).toEqual(seen);
    expect(seen.some((t) => !Number.isInteger(t))).toBe(true);
    const sigmaOf = sigmaOfTimestep(base);
    seen.forEach((t, i) => expect(Math.abs(sigmaOf(t) / sigmas[i]! - 1), `σ(t) at step ${i}`).toBeLessThan(1e-5));
    x.dispose();
  });

  it('quantize: int32 timesteps of the schedule, the grid snapped to their σ; Heun evaluates 2N − 1 times', async () => {
    const fast = respace(base, trailingTimesteps(1000, 50));
    const d = gaussianOracle(fast, MU, S);
    const seenSigmas: number[] = [];
    const x = await finalSample(heunSample(d, [8, 2], fast, { sigmas: karrasSigmas(fast, 8), quantize: true, seed: 1 }), (s) => seenSigmas.push(s.sigma!));
    expect(d.dtypes).toEqual(new Set(['int32']));
    expect(d.calls).toBe(2 * 8 - 1);
    const kept = new Set(fast.timesteps);
    expect(d.timesteps.every((t) => kept.has(t))).toBe(true);
    const own = new Set(ownSigmas(fast).map((v) => v.toPrecision(12)));
    expect(seenSigmas.every((v) => own.has(v.toPrecision(12)))).toBe(true);
    x.dispose();
    fast.dispose();
  });

  it('Euler and Euler ancestral evaluate once per step', async () => {
    for (const sampler of [eulerSample, eulerAncestralSample as Sampler]) {
      const d = gaussianOracle(base, MU, S);
      const x = await finalSample(sampler(d, [4, 2], base, { sigmas: karrasSigmas(base, 9), seed: 2 }));
      expect(d.calls).toBe(9);
      x.dispose();
    }
  });
});

describe('the async iteration', () => {
  const xT = tf.keep(tf.randomNormal([64, 2], 0, 1, 'float32', 8));
  const sigmas = karrasSigmas(base, 6);
  const d = gaussianOracle(base, MU, S);
  afterAll(() => xT.dispose());
  const all: [string, (o: { seed?: number; signal?: AbortSignal; xT?: tf.Tensor }) => AsyncGenerator<SamplerStep, tf.Tensor, void>][] = [
    ['eulerSample', (o) => eulerSample(d, [64, 2], base, { sigmas, ...o })],
    ['eulerSample with churn', (o) => eulerSample(d, [64, 2], base, { sigmas, churn: 3, ...o })],
    ['heunSample', (o) => heunSample(d, [64, 2], base, { sigmas, clipX0: true, ...o })],
    ['heunSample with churn', (o) => heunSample(d, [64, 2], base, { sigmas, churn: 3, quantize: true, ...o })],
    ['eulerAncestralSample', (o) => eulerAncestralSample(d, [64, 2], base, { sigmas, dynamicThreshold: true, ...o })],
  ];

  it.each(all)('%s: no leaks, a flat tensor count, the final x is the caller’s, x_T stays the caller’s', async (_name, run) => {
    const counts: number[] = [];
    const x = await expectNoLeaksAsync(() => finalSample(run({ seed: 1, xT }), () => counts.push(tf.memory().numTensors)));
    expect(counts).toHaveLength(6);
    expect(new Set(counts).size, 'tensor count over the loop').toBe(1);
    expect(x.isDisposed).toBe(false);
    expect(x.shape).toEqual([64, 2]);
    expect(xT.isDisposed).toBe(false);
    x.dispose();
    // without x_T: drawn from the seed's 'xT' stream
    const y = await expectNoLeaksAsync(() => finalSample(run({ seed: 1 })));
    y.dispose();
  });

  it.each(all)('%s: stops on an AbortSignal with its reason, freeing everything; breaking out frees the current step', async (_name, run) => {
    const controller = new AbortController();
    let seen = 0;
    await expectNoLeaksAsync(async () => {
      const go = finalSample(run({ seed: 5, signal: controller.signal }), (s) => {
        seen = s.step;
        if (s.step === 3) controller.abort();
      });
      await expect(go).rejects.toMatchObject({ name: 'AbortError' });
    });
    expect(seen).toBe(3);
    await expectNoLeaksAsync(async () => {
      await expect(finalSample(run({ signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    });
    let kept: tf.Tensor | undefined;
    await expectNoLeaksAsync(async () => {
      for await (const s of run({ seed: 6, xT })) {
        if (s.step === 2) {
          kept = tf.clone(s.x);
          break;
        }
      }
      return kept;
    });
    expect(kept!.shape).toEqual([64, 2]);
    kept!.dispose();
    expect(xT.isDisposed).toBe(false);
  });

  it('Euler and Heun without churn are deterministic whatever the seed; with churn, and Euler ancestral, the seed decides', async () => {
    const same = async (a: () => AsyncGenerator<SamplerStep, tf.Tensor, void>, b: () => AsyncGenerator<SamplerStep, tf.Tensor, void>) => {
      const x = await finalSample(a());
      const y = await finalSample(b());
      const diff = tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!;
      tf.dispose([x, y]);
      return diff;
    };
    expect(await same(() => all[0]![1]({ seed: 1, xT }), () => all[0]![1]({ seed: 2, xT }))).toBe(0);
    expect(await same(() => all[2]![1]({ seed: 1, xT }), () => all[2]![1]({ seed: 2, xT }))).toBe(0);
    for (const i of [1, 3, 4]) {
      expect(await same(() => all[i]![1]({ seed: 0, xT }), () => all[i]![1]({ seed: 0, xT })), `${all[i]![0]} same seed`).toBe(0);
      expect(await same(() => all[i]![1]({ seed: 0, xT }), () => all[i]![1]({ seed: 1, xT })), `${all[i]![0]} other seed`).toBeGreaterThan(1e-3);
    }
  });

  it('yields to the event loop between steps', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const slow = (xt: tf.Tensor) => {
      const t0 = Date.now();
      while (Date.now() - t0 < 3); // a slow network
      return tf.zerosLike(xt);
    };
    const x = await finalSample(heunSample(slow, [4, 2], base, { sigmas }));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2);
    x.dispose();
  });

  it('stays finite at the extremes: σ_max = 10⁸ with ε prediction, a zero-terminal-SNR start with v, x_T as an array', async () => {
    const a = await finalSample(eulerSample(gaussianOracle(base, MU, S), [16, 2], base, { sigmas: [1e8, 100, 1, 0.01, 0], seed: 3 }));
    expect(Array.from(a.dataSync()).every(Number.isFinite)).toBe(true);
    const zero = rescaleZeroTerminalSnr(base);
    const b = await finalSample(heunSample(gaussianOracle(zero, MU, S, 'v'), [16, 2], zero, { sigmas: karrasSigmas(zero, 10), prediction: 'v', churn: 2, seed: 3 }));
    expect(Array.from(b.dataSync()).every(Number.isFinite)).toBe(true);
    zero.dispose();
    const c = await expectNoLeaksAsync(() => finalSample(eulerAncestralSample(gaussianOracle(base, MU, S), [2, 2], base, { sigmas, xT: [[0.1, 0.2], [0.3, -1]], seed: 3 })));
    expect(c.shape).toEqual([2, 2]);
    tf.dispose([a, b, c]);
  });
});

describe('bad input throws before allocating', () => {
  const d = (xt: tf.Tensor) => tf.zerosLike(xt);
  it('karrasSigmas and scheduleSigmas', () => {
    expectThrowsClean(() => karrasSigmas(base, 0), /karrasSigmas: n must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => karrasSigmas(base, 2.5), /karrasSigmas: n must be an integer ≥ 1, got 2\.5/);
    expectThrowsClean(() => karrasSigmas(base, 5, { rho: 0 }), /karrasSigmas: options\.rho must be a finite number > 0, got 0/);
    expectThrowsClean(() => karrasSigmas(base, 5, { rho: -7 }), /options\.rho must be a finite number > 0, got -7/);
    expectThrowsClean(() => karrasSigmas(base, 5, { sigmaMin: 0 }), /options\.sigmaMin must be a finite number > 0, got 0/);
    expectThrowsClean(() => karrasSigmas(base, 5, { sigmaMax: Infinity }), /options\.sigmaMax must be a finite number > 0, got Infinity/);
    expectThrowsClean(() => karrasSigmas(base, 5, { sigmaMin: 10, sigmaMax: 1 }), /karrasSigmas: options\.sigmaMin must be below σ_max = 1 \(n > 1\), got 10/);
    expectThrowsClean(() => karrasSigmas(base, 5, { sigma_min: 1 } as never), /karrasSigmas: unknown option 'sigma_min'/);
    expectThrowsClean(() => karrasSigmas({} as Schedule, 5), /karrasSigmas: schedule must be a Schedule/);
    expectThrowsClean(() => scheduleSigmas(undefined as unknown as Schedule), /scheduleSigmas: schedule must be a Schedule/);
  });

  it('the samplers: σ grids, churn, η, quantize, unknown options, and the common checks', () => {
    const grid = /must be a non-increasing array of finite σ > 0 that ends in 0 \(at least 2 values\)/;
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { sigmas: [1, 2, 0] }), /eulerSample: options\.sigmas/, grid, /got options\.sigmas\[1\] = 2 after options\.sigmas\[0\] = 1/);
    expectThrowsClean(() => heunSample(d, [2, 2], base, { sigmas: [5, 1, 0.5] }), /heunSample: options\.sigmas/, grid, /got a last value of 0\.5/);
    expectThrowsClean(() => eulerAncestralSample(d, [2, 2], base, { sigmas: [0] }), /eulerAncestralSample: options\.sigmas/, /got 1 value$/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { sigmas: [5, -1, 0] }), /got options\.sigmas\[1\] = -1/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { sigmas: [5, 0, 0] }), /got options\.sigmas\[1\] = 0 before the end/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { sigmas: [Infinity, 1, 0] }), /got options\.sigmas\[0\] = Infinity/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { churn: -1 }), /eulerSample: options\.churn must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => heunSample(d, [2, 2], base, { churn: 1, churnSigmaMin: 2, churnSigmaMax: 1 }), /heunSample: options\.churnSigmaMax must be a number ≥ options\.churnSigmaMin = 2 \(Infinity allowed\), got 1/);
    expectThrowsClean(() => heunSample(d, [2, 2], base, { churnNoise: -0.1 }), /options\.churnNoise must be a finite number ≥ 0, got -0\.1/);
    expectThrowsClean(() => eulerAncestralSample(d, [2, 2], base, { eta: -1 }), /eulerAncestralSample: options\.eta must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => eulerAncestralSample(d, [2, 2], base, { churn: 1 } as never), /eulerAncestralSample: unknown option 'churn'/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { eta: 1 } as never), /eulerSample: unknown option 'eta'/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { quantize: 1 } as never), /eulerSample: options\.quantize must be a boolean, got 1/);
    expectThrowsClean(() => eulerSample(d, [2, 2], base, { prediction: 'score' } as never), /eulerSample: options\.prediction must be/);
    const wrong = tf.zeros([3, 2]);
    expectThrowsClean(() => heunSample(d, [2, 2], base, { xT: wrong }), /heunSample: options\.xT must be of the requested sample's shape \[2, 2\], got shape \[3, 2\]/);
    wrong.dispose();
    expectThrowsClean(() => eulerSample('net' as never, [2, 2], base), /eulerSample: denoiser must be a function/);
    expectThrowsClean(() => eulerSample(d, [2, 2], {} as Schedule), /eulerSample: schedule must be a Schedule/);
  });

  it('a denoiser output of the wrong shape fails the step, freeing its tensors', async () => {
    const bad = (xt: tf.Tensor) => tf.zeros([xt.shape[0]!, 3]);
    await expectNoLeaksAsync(async () => {
      await expect(finalSample(heunSample(bad, [2, 2], base, { seed: 1 }))).rejects.toThrow(/heunSample: the denoiser output must be a float32 tensor of the input's shape \[2, 2\]/);
    });
  });
});
