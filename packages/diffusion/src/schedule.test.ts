import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { cosineGolden, linearGolden, type ScheduleGolden } from '../test/golden.js';
import { cosineSchedule, linearSchedule, scaledLinearSchedule, scheduleFromAlphasCumprod, scheduleFromBetas, sigmoidSchedule, rescaleZeroTerminalSnr, SCHEDULE_QUANTITIES, type Schedule } from './index.js';

const fields: [keyof ScheduleGolden & string, keyof Schedule & string][] = [
  ['betas', 'betas'],
  ['alphas_cumprod', 'alphasCumprod'],
  ['posterior_variance', 'posteriorVariance'],
  ['posterior_log_variance_clipped', 'posteriorLogVarianceClipped'],
  ['posterior_mean_coef1', 'posteriorMeanCoef1'],
  ['posterior_mean_coef2', 'posteriorMeanCoef2'],
];

describe.each([
  ['linear', linearGolden, () => linearSchedule(1000)],
  ['cosine', cosineGolden, () => cosineSchedule(1000)],
] as const)('%s schedule against the golden file (all 1000 steps, float64)', (_name, golden, make) => {
  const g = golden();
  const s = make();

  it.each(fields)('%s at rtol 1e-12', (goldenKey, ours) => {
    const want = g[goldenKey] as number[];
    expect(want).toHaveLength(1000);
    expectClose(s[ours] as Float64Array, want, { rtol: 1e-12, atol: 0, label: ours });
  });

  it('keeps the conventions: β̃₁ = 0, the clipped log at t = 1 is log β̃₂, index i is t = i + 1', () => {
    expect(s.posteriorVariance[0]).toBe(0);
    expect(s.posteriorLogVarianceClipped[0]).toBe(Math.log(s.posteriorVariance[1]!));
    expect(s.alphasCumprodPrev[0]).toBe(1);
    expect(s.T).toBe(1000);
    expect(Array.from(s.timesteps.slice(0, 3))).toEqual([0, 1, 2]);
    expect(s.isRespaced).toBe(false);
  });

  it('derives the rest consistently (α, √ᾱ, √(1/ᾱ − 1), SNR)', () => {
    for (const i of [0, 1, 500, 999]) {
      expect(s.alphas[i]).toBe(1 - s.betas[i]!);
      expect(s.sqrtAlphasCumprod[i]! ** 2).toBeCloseTo(s.alphasCumprod[i]!, 15);
      expect(s.sqrtRecipm1AlphasCumprod[i]! ** 2).toBeCloseTo(1 / s.alphasCumprod[i]! - 1, 6);
      // 1 − ᾱ by subtraction cancels (6e−13 relative at t = 1, β₁ ≈ 4e−5): the schedule's log form is the exact one
      expect(s.snr[i]! / (s.alphasCumprod[i]! / (1 - s.alphasCumprod[i]!))).toBeCloseTo(1, 11);
      expect(Math.exp(s.logSnr[i]!) / s.snr[i]!).toBeCloseTo(1, 10);
    }
  });

  it('uploads float32 copies once, owned by the schedule, freed by dispose()', () => {
    const before = tf.memory().numTensors;
    const tensors = s.tensors();
    expect(tf.memory().numTensors - before).toBe(SCHEDULE_QUANTITIES.length);
    expect(s.tensors()).toBe(tensors); // not uploaded again
    expectClose(tensors.betas, Float32Array.from(g.betas), { rtol: 0, atol: 0, label: 'float32 betas' });
    // made inside a tidy, they survive it
    s.dispose();
    tf.tidy(() => void s.tensors());
    expect(tf.memory().numTensors - before).toBe(SCHEDULE_QUANTITIES.length);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('float64 matters', () => {
  it('the same schedule in float32 is off by up to ~1e-4 relative at small t (why the host computes it)', () => {
    const g = linearGolden();
    let worst = 0;
    let acc = 1;
    for (let i = 1; i < 10; i++) {
      acc = Math.fround(acc * Math.fround(1 - Math.fround(g.betas[i - 1]!)));
      const accNext = Math.fround(acc * Math.fround(1 - Math.fround(g.betas[i]!)));
      const c1 = Math.fround(Math.fround(g.betas[i]! * Math.fround(Math.sqrt(acc))) / Math.fround(1 - accNext));
      worst = Math.max(worst, Math.abs(c1 / g.posterior_mean_coef1[i]! - 1));
    }
    expect(worst).toBeGreaterThan(1e-6);
  });
});

describe('linear and scaled linear', () => {
  it('spaces β (or √β) evenly, ends included', () => {
    const s = linearSchedule(5, { betaStart: 0.1, betaEnd: 0.5 });
    expectClose(s.betas, [0.1, 0.2, 0.3, 0.4, 0.5], { rtol: 1e-15, atol: 0 });
    const q = scaledLinearSchedule(3, { betaStart: 0.01, betaEnd: 0.09 });
    expectClose(q.betas, [0.01, 0.04, 0.09], { rtol: 1e-14, atol: 0 });
    expect(Array.from(linearSchedule(1).betas)).toEqual([1e-4]);
  });
});

describe('cosine', () => {
  it('caps β at maxBeta (only the last step for T = 1000), ᾱ follows f(t)/f(0) elsewhere', () => {
    const s = cosineSchedule(1000);
    expect(cosineGolden().meta.n_clipped_betas).toBe(1);
    expect(s.betas[999]).toBe(0.999);
    expect(s.betas.slice(0, 999).every((b) => b < 0.999)).toBe(true);
    const f = (u: number) => Math.cos(((u + 0.008) / 1.008) * Math.PI / 2) ** 2;
    for (const i of [0, 100, 500, 900]) expect(s.alphasCumprod[i]! / (f((i + 1) / 1000) / f(0))).toBeCloseTo(1, 10);
    expect(cosineSchedule(1000, { maxBeta: 0.5 }).betas[999]).toBe(0.5);
  });
});

describe('sigmoid', () => {
  it('decreases ᾱ from ≈ 1 to ≈ 0 and follows its closed form', () => {
    const s = sigmoidSchedule(1000);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const abar = (u: number) => (sig(3) - sig(6 * u - 3)) / (sig(3) - sig(-3));
    for (const i of [0, 250, 500, 750]) expect(s.alphasCumprod[i]! / abar((i + 1) / 1000)).toBeCloseTo(1, 9);
    expect(s.alphasCumprod[999]).toBeLessThan(1e-3);
    for (let i = 1; i < 1000; i++) expect(s.alphasCumprod[i]!).toBeLessThan(s.alphasCumprod[i - 1]!);
  });
});

describe('rescaleZeroTerminalSnr', () => {
  it('makes ᾱ_T = 0 (β_T = 1), keeps ᾱ₁, and √ᾱ stays an affine map of the original', () => {
    const base = scaledLinearSchedule(1000);
    const s = rescaleZeroTerminalSnr(base);
    expect(s.alphasCumprod[999]).toBe(0);
    expect(s.betas[999]).toBe(1);
    expect(s.snr[999]).toBe(0);
    expect(s.alphasCumprod[0]! / base.alphasCumprod[0]!).toBeCloseTo(1, 12);
    const a0 = base.sqrtAlphasCumprod[0]!;
    const aT = base.sqrtAlphasCumprod[999]!;
    for (const i of [1, 300, 700, 998]) expect(s.sqrtAlphasCumprod[i]!).toBeCloseTo(((base.sqrtAlphasCumprod[i]! - aT) * a0) / (a0 - aT), 12);
    expect(s.posteriorVariance[999]).toBeCloseTo(1 - s.alphasCumprod[998]!, 12);
  });
});

describe('scheduleFromBetas / scheduleFromAlphasCumprod', () => {
  it('are inverse views of each other', () => {
    const s = scheduleFromBetas([0.1, 0.2, 0.3]);
    expectClose(s.alphasCumprod, [0.9, 0.72, 0.504], { rtol: 1e-15, atol: 0 });
    expectClose(scheduleFromAlphasCumprod(s.alphasCumprod).betas, [0.1, 0.2, 0.3], { rtol: 1e-14, atol: 0 });
  });

  it('reject T < 1, betas outside (0, 1], bad options, without allocating', () => {
    expectThrowsClean(() => linearSchedule(0), /linearSchedule: T must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => cosineSchedule(2.5), /cosineSchedule: T must be an integer ≥ 1, got 2\.5/);
    expectThrowsClean(() => sigmoidSchedule(-1), /sigmoidSchedule: T must be an integer ≥ 1, got -1/);
    expectThrowsClean(() => scaledLinearSchedule(10, { betaEnd: 2 }), /scaledLinearSchedule: options\.betaEnd must be a finite number > 0 and ≤ 1, got 2/);
    expectThrowsClean(() => scheduleFromBetas([]), /scheduleFromBetas: betas must be a non-empty array/);
    expectThrowsClean(() => scheduleFromBetas([0.1, 0]), /scheduleFromBetas: betas must be numbers in \(0, 1\], got betas\[1\] = 0/);
    expectThrowsClean(() => scheduleFromBetas([0.1, 0.2], { timesteps: [3, 1] }), /timesteps must be strictly increasing/);
    expectThrowsClean(() => scheduleFromAlphasCumprod([0.9, 0.95]), /alphasCumprod must be strictly decreasing numbers in \[0, 1\), got alphasCumprod\[1\] = 0\.95/);
    expectThrowsClean(() => cosineSchedule(10, { s: -1 }), /cosineSchedule: options\.s must be a finite number ≥ 0, got -1/);
    expectThrowsClean(() => sigmoidSchedule(10, { start: 3, end: 1 }), /sigmoidSchedule: options\.end must be a number > options\.start \(3\), got 1/);
    expectThrowsClean(() => rescaleZeroTerminalSnr(linearSchedule(1)), /rescaleZeroTerminalSnr: schedule must be a schedule with T ≥ 2, got T = 1/);
    expectThrowsClean(() => rescaleZeroTerminalSnr({} as Schedule), /rescaleZeroTerminalSnr: schedule must be a Schedule/);
  });

  it('a schedule holds no tensor until asked', () => {
    const s = expectNoLeaks(() => linearSchedule(1000) as unknown as number);
    expect(s).toBeDefined();
  });
});
