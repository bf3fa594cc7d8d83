// The exact denoiser of Gaussian data N(μ, s²I) for the σ-sampler tests (Euler, Heun, Euler ancestral), written
// for fractional timesteps (t → σ by interpolating log σ between the schedule's timesteps, the inverse of the
// samplers' σ → t, computed on the host in float64), and the exact law of each sampler's chain for it.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { zCritical } from '@genmod-internal/testing';
import { eulerAncestralSample, eulerSample, heunSample, type Prediction, type Schedule } from '../src/index.js';

export const MU = [0.7, -0.4];
export const S = 0.4;
export const N = 4000;

/** σ at each schedule index, ascending, ᾱ below 2⁻²⁴ taken as 2⁻²⁴ (diffusers' clamp of ᾱ = 0). */
export function sigmaKnots(schedule: Schedule): number[] {
  return Array.from(schedule.alphasCumprod, (a) => {
    const ab = Math.max(a, 2 ** -24);
    return Math.sqrt((1 - ab) / ab);
  });
}

/** t → σ: log σ linear in t between the schedule's timesteps (k-diffusion's t_to_sigma), float64. */
export function sigmaOfTimestep(schedule: Schedule): (t: number) => number {
  const ts = Array.from(schedule.timesteps);
  const logs = sigmaKnots(schedule).map(Math.log);
  return (t) => {
    if (t <= ts[0]!) return Math.exp(logs[0]!);
    for (let i = 0; i + 1 < ts.length; i++) {
      if (t <= ts[i + 1]!) {
        const w = (t - ts[i]!) / (ts[i + 1]! - ts[i]!);
        return Math.exp((1 - w) * logs[i]! + w * logs[i + 1]!);
      }
    }
    return Math.exp(logs[logs.length - 1]!);
  };
}

export interface Oracle {
  (xt: tf.Tensor, t: tf.Tensor): tf.Tensor;
  calls: number;
  dtypes: Set<string>;
  timesteps: number[];
}

/**
 * The exact denoiser of N(μ, s²I) data at any (fractional) timestep, in float64 on the host: with
 * ᾱ = 1/(1 + σ(t)²) and c = (x_t − √ᾱ·μ)/(ᾱs² + 1 − ᾱ), E[x₀ | x_t] = μ + s²√ᾱ·c, E[ε | x_t] = √(1 − ᾱ)·c,
 * v = √ᾱ·ε − √(1 − ᾱ)·x₀.
 */
export function gaussianOracle(schedule: Schedule, mu: number[], s: number, prediction: Prediction = 'epsilon'): Oracle {
  const sigmaOf = sigmaOfTimestep(schedule);
  const f = ((xt: tf.Tensor, t: tf.Tensor) => {
    f.calls++;
    f.dtypes.add(t.dtype);
    const tv = t.dataSync();
    f.timesteps.push(tv[0]!);
    const [B, D] = xt.shape as [number, number];
    const x = xt.dataSync();
    const out = new Float32Array(B * D);
    for (let b = 0; b < B; b++) {
      const sigma = sigmaOf(tv[b]!);
      const a = 1 / (1 + sigma * sigma);
      const om = (sigma * sigma) / (1 + sigma * sigma);
      for (let d = 0; d < D; d++) {
        const c = (x[b * D + d]! - Math.sqrt(a) * mu[d]!) / (a * s * s + om);
        const x0 = mu[d]! + s * s * Math.sqrt(a) * c;
        const eps = Math.sqrt(om) * c;
        out[b * D + d] = prediction === 'epsilon' ? eps : prediction === 'x0' ? x0 : Math.sqrt(a) * eps - Math.sqrt(om) * x0;
      }
    }
    return tf.tensor2d(out, [B, D]);
  }) as Oracle;
  f.calls = 0;
  f.dtypes = new Set();
  f.timesteps = [];
  return f;
}

export function moments(x: tf.Tensor): { mean: number[]; sd: number[] } {
  const v = x.arraySync() as number[][];
  return {
    mean: [0, 1].map((d) => v.reduce((a, r) => a + r[d]!, 0) / v.length),
    sd: [0, 1].map((d) => {
      const m = v.reduce((a, r) => a + r[d]!, 0) / v.length;
      return Math.sqrt(v.reduce((a, r) => a + (r[d]! - m) ** 2, 0) / (v.length - 1));
    }),
  };
}

/** |mean − want| within z·sd/√N + bias; |sd − want| within z·sd/√(2N) + bias. */
export function expectLaw(got: { mean: number[]; sd: number[] }, want: { mean: number; sd: number }[], bias: number, label: string) {
  const z = zCritical(1e-3);
  [0, 1].forEach((d) => {
    expect(Math.abs(got.mean[d]! - want[d]!.mean), `${label} mean[${d}] ${got.mean[d]} vs ${want[d]!.mean}`).toBeLessThan((z * want[d]!.sd) / Math.sqrt(N) + bias);
    expect(Math.abs(got.sd[d]! - want[d]!.sd), `${label} sd[${d}] ${got.sd[d]} vs ${want[d]!.sd}`).toBeLessThan((z * want[d]!.sd) / Math.sqrt(2 * N) + bias);
  });
}

export const DATA_LAW = MU.map((mean) => ({ mean, sd: S }));

export interface ChainOptions {
  churn?: number;
  churnSigmaMax?: number;
  churnNoise?: number;
  eta?: number;
}

/**
 * The exact law of a sampler's output for this oracle, per coordinate: everything is linear-Gaussian, so with
 * y = x_σ − μ each step is y' = f·y + (noise of variance q), from x_σ₀ ~ N(0, 1 + σ₀²). The denoiser's
 * direction is d(y; σ) = σ·y/(s² + σ²) (from D = μ + s²/(s² + σ²)·y), so Euler has f = 1 + (σ' − σ̂)·σ̂/(s² + σ̂²)
 * after churn adds σ̂² − σ² (times S_noise²) to the variance, Heun averages d at σ̂ and at σ', and Euler ancestral
 * steps to σ_down and adds σ_up².
 */
export function chainLaw(kind: 'euler' | 'heun' | 'ancestral', sigmas: ArrayLike<number>, o: ChainOptions = {}): { mean: number; sd: number }[] {
  const steps = sigmas.length - 1;
  const slope = (sigma: number) => sigma / (S * S + sigma * sigma);
  let f = 1; // the product of the factors, applied to the initial y
  let v = 1 + sigmas[0]! ** 2; // Var y
  for (let i = 0; i < steps; i++) {
    const a = sigmas[i]!;
    const b = sigmas[i + 1]!;
    let step: number;
    if (kind === 'ancestral') {
      const eta = o.eta ?? 1;
      const up = Math.min(b, (eta * b * Math.sqrt(a * a - b * b)) / a);
      const down = Math.sqrt(b * b - up * up);
      step = 1 + (down - a) * slope(a);
      v = v * step * step + up * up;
    } else {
      const gamma = (o.churn ?? 0) > 0 && a <= (o.churnSigmaMax ?? Infinity) ? Math.min(o.churn! / steps, Math.SQRT2 - 1) : 0;
      const hat = a * (1 + gamma);
      v += (hat * hat - a * a) * (o.churnNoise ?? 1) ** 2;
      step = 1 + (b - hat) * slope(hat);
      if (kind === 'heun' && b > 0) step = 1 + ((b - hat) * (slope(hat) + step * slope(b))) / 2;
      v *= step * step;
    }
    f *= step;
  }
  return MU.map((mu) => ({ mean: mu - mu * f, sd: Math.sqrt(v) }));
}

/** The σ of a schedule's own timesteps, descending, then 0 (the samplers' default grid), from the test's knots. */
export function ownSigmas(schedule: Schedule): number[] {
  return [...sigmaKnots(schedule).reverse(), 0];
}

export type Kind = 'euler' | 'heun' | 'ancestral';
export type Sampler = typeof eulerSample;
export const SAMPLERS: Record<Kind, Sampler> = { euler: eulerSample, heun: heunSample, ancestral: eulerAncestralSample as Sampler };
