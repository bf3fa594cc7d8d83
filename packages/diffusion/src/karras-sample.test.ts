// Euler, Heun and Euler ancestral on σ grids, with the exact denoiser of Gaussian data N(μ, s²I) written
// here for fractional timesteps (t → σ by interpolating log σ between the schedule's timesteps, the inverse
// of the samplers' σ → t, computed on the host in float64): the empirical order of the ODE solvers against
// the exact probability-flow map, the data law's moments for every sampler and prediction, Euler and Euler
// ancestral on the schedule's own σ against DDIM, the EDM grid against its formula, and the iteration's
// contract (leaks, abort, determinism, bad input).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectNoLeaksAsync, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import {
  ddimSample,
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
  leadingTimesteps,
  type Prediction,
  type SamplerStep,
  type Schedule,
} from './index.js';

const MU = [0.7, -0.4];
const S = 0.4;
const N = 4000;
const base = linearSchedule(1000);
afterAll(() => base.dispose());

/** σ at each schedule index, ascending, ᾱ below 2⁻²⁴ taken as 2⁻²⁴ (diffusers' clamp of ᾱ = 0). */
function sigmaKnots(schedule: Schedule): number[] {
  return Array.from(schedule.alphasCumprod, (a) => {
    const ab = Math.max(a, 2 ** -24);
    return Math.sqrt((1 - ab) / ab);
  });
}

/** t → σ: log σ linear in t between the schedule's timesteps (k-diffusion's t_to_sigma), float64. */
function sigmaOfTimestep(schedule: Schedule): (t: number) => number {
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

interface Oracle {
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
function gaussianOracle(schedule: Schedule, mu: number[], s: number, prediction: Prediction = 'epsilon'): Oracle {
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

function moments(x: tf.Tensor): { mean: number[]; sd: number[] } {
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
function expectLaw(got: { mean: number[]; sd: number[] }, want: { mean: number; sd: number }[], bias: number, label: string) {
  const z = zCritical(1e-3);
  [0, 1].forEach((d) => {
    expect(Math.abs(got.mean[d]! - want[d]!.mean), `${label} mean[${d}] ${got.mean[d]} vs ${want[d]!.mean}`).toBeLessThan((z * want[d]!.sd) / Math.sqrt(N) + bias);
    expect(Math.abs(got.sd[d]! - want[d]!.sd), `${label} sd[${d}] ${got.sd[d]} vs ${want[d]!.sd}`).toBeLessThan((z * want[d]!.sd) / Math.sqrt(2 * N) + bias);
  });
}

const DATA_LAW = MU.map((mean) => ({ mean, sd: S }));

interface ChainOptions {
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
function chainLaw(kind: 'euler' | 'heun' | 'ancestral', sigmas: ArrayLike<number>, o: ChainOptions = {}): { mean: number; sd: number }[] {
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
function ownSigmas(schedule: Schedule): number[] {
  return [...sigmaKnots(schedule).reverse(), 0];
}

describe('empirical order on the probability-flow ODE', () => {
  // For N(μ, s²I) data the flow keeps (x_σ − μ)/√(s² + σ²) constant: from x_σmax = x_T·√(1 + σ_max²) the exact
  // state at σ_min is μ + (x_σmax − μ)·√(s² + σ_min²)/√(s² + σ_max²). Compared at σ_min (the step before the
  // last), so the final Euler step to 0 does not enter.
  const B = 64;
  const xT = tf.keep(tf.randomNormal([B, 2], 0, 1, 'float32', 11));
  afterAll(() => xT.dispose());

  async function errorAtSigmaMin(sampler: typeof eulerSample, n: number): Promise<number> {
    const sigmas = karrasSigmas(base, n);
    const sMax = sigmas[0]!;
    const sMin = sigmas[n - 1]!;
    let atMin: number[] | undefined;
    const x = await finalSample(sampler(gaussianOracle(base, MU, S), [B, 2], base, { sigmas, xT }), (s) => {
      if (s.index === 1) {
        expect(s.sigma).toBe(sMin);
        atMin = Array.from(s.x.dataSync());
      }
    });
    x.dispose();
    const x0 = xT.dataSync();
    let sq = 0;
    for (let i = 0; i < B * 2; i++) {
      const mu = MU[i % 2]!;
      const xsMax = x0[i]! * Math.sqrt(1 + sMax * sMax);
      const exact = mu + ((xsMax - mu) * Math.sqrt(S * S + sMin * sMin)) / Math.sqrt(S * S + sMax * sMax);
      const got = atMin![i]! * Math.sqrt(1 + sMin * sMin); // the yielded latent back to x_σ
      sq += (got - exact) ** 2;
    }
    return Math.sqrt(sq / (B * 2));
  }

  it.each([
    ['Euler', 1, eulerSample, [8, 16, 32]],
    ['Heun', 2, heunSample, [16, 32, 64]],
  ] as const)('%s converges at order %d on Karras grids (n, 2n, 4n steps)', async (name, order, sampler, ns) => {
    const errors: number[] = [];
    for (const n of ns) errors.push(await errorAtSigmaMin(sampler, n));
    const orders = [Math.log2(errors[0]! / errors[1]!), Math.log2(errors[1]! / errors[2]!)];
    console.log(`${name}: errors ${errors.map((e) => e.toExponential(3)).join(', ')} at n = ${ns.join(', ')}; orders ${orders.map((o) => o.toFixed(3)).join(', ')}`);
    for (const o of orders) expect(Math.abs(o - order), `${name} order ${o}`).toBeLessThan(0.35);
    expect(errors[2]!, 'the finest error stays well above float32 noise').toBeGreaterThan(1e-4);
  });
});


type Kind = 'euler' | 'heun' | 'ancestral';
type Sampler = typeof eulerSample;
const SAMPLERS: Record<Kind, Sampler> = { euler: eulerSample, heun: heunSample, ancestral: eulerAncestralSample as Sampler };

describe('every sampler matches its exact chain law and the data law N(μ, s²I) (4000 samples)', () => {
  const configs: [name: string, steps: number, kind: Kind, options: ChainOptions][] = [
    ['Euler', 50, 'euler', {}],
    ['Heun', 20, 'heun', {}],
    ['Euler ancestral', 50, 'ancestral', {}],
    ['Euler ancestral η = 0.5', 50, 'ancestral', { eta: 0.5 }],
    ['Euler with churn 10 below σ = 50', 50, 'euler', { churn: 10, churnSigmaMax: 50 }],
    ['Heun with churn 5, S_noise 1.003', 20, 'heun', { churn: 5, churnNoise: 1.003 }],
  ];

  it.each(configs)('%s on %d Karras steps: ε, x₀ and v give the same samples, with the exact law of the chain', async (name, steps, kind, o) => {
    const sigmas = karrasSigmas(base, steps);
    const want = chainLaw(kind, sigmas, o);
    const samples: tf.Tensor[] = [];
    for (const prediction of ['epsilon', 'x0', 'v'] as const) {
      const x = await finalSample(SAMPLERS[kind](gaussianOracle(base, MU, S, prediction), [N, 2], base, { sigmas, prediction, seed: 21, ...o }));
      expectLaw(moments(x), want, 0, `${name}, ${prediction}`);
      samples.push(x);
    }
    expectClose(samples[1]!, samples[0]!, { atol: 1e-4, rtol: 1e-4, label: `${name}: x₀ vs ε prediction` });
    expectClose(samples[2]!, samples[0]!, { atol: 1e-4, rtol: 1e-4, label: `${name}: v vs ε prediction` });
    tf.dispose(samples);
  });

  // enough steps that the discretisation bias of the chain (computed) is under 2.5% of s: then the data law itself
  it.each([
    ['Euler', 200, 'epsilon', 'euler', {}],
    ['Heun', 50, 'v', 'heun', {}],
    ['Euler ancestral', 300, 'x0', 'ancestral', {}],
    ['Euler with churn 10 below σ = 50', 300, 'v', 'euler', { churn: 10, churnSigmaMax: 50 }],
    ['Heun with churn 5, S_noise 1.003', 60, 'epsilon', 'heun', { churn: 5, churnNoise: 1.003 }],
  ] as const)('%s on %d Karras steps, %s prediction: the data law within sampling error + 0.025·s', async (name, steps, prediction, kind, o) => {
    const sigmas = karrasSigmas(base, steps);
    const chain = chainLaw(kind, sigmas, o);
    expect(Math.abs(chain[0]!.sd - S), `${name}: the chain's own bias`).toBeLessThan(0.025 * S);
    const x = await finalSample(SAMPLERS[kind](gaussianOracle(base, MU, S, prediction), [N, 2], base, { sigmas, prediction, seed: 23, ...o }));
    const got = moments(x);
    expectLaw(got, chain, 0, name);
    expectLaw(got, DATA_LAW, 0.025 * S, name);
    x.dispose();
  });

  // the model is the full schedule's oracle; the samplers run over a respaced schedule's own σ (the default grid)
  const zeroSnrBase = rescaleZeroTerminalSnr(base);
  const respaced = (zero: boolean, n: number) => respace(zero ? zeroSnrBase : base, trailingTimesteps(1000, n));
  afterAll(() => zeroSnrBase.dispose());
  const kinds: [string, Kind, ChainOptions][] = [
    ['Euler', 'euler', {}],
    ['Heun', 'heun', {}],
    ['Euler ancestral', 'ancestral', {}],
    ['Heun with churn 5', 'heun', { churn: 5 }],
  ];
  it.each(kinds.flatMap(([name, kind, o]) => [false, true].map((zero) => [name, zero ? 'a zero-terminal-SNR schedule' : 'the linear schedule', kind, o, zero] as const)))(
    '%s on 25 trailing steps of %s, v prediction: the exact chain law',
    async (name, _what, kind, o, zero) => {
      const schedule = respaced(zero, 25);
      const x = await finalSample(SAMPLERS[kind](gaussianOracle(zero ? zeroSnrBase : base, MU, S, 'v'), [N, 2], schedule, { prediction: 'v', seed: 24, ...o }));
      expectLaw(moments(x), chainLaw(kind, ownSigmas(schedule), o), 0, name);
      x.dispose();
      schedule.dispose();
    },
  );

  it.each([
    ['Euler', 200, 'euler', {}],
    ['Heun', 50, 'heun', {}],
    ['Euler ancestral', 400, 'ancestral', {}],
    ['Heun with churn 5', 50, 'heun', { churn: 5 }],
  ] as const)('%s on %d trailing steps of a zero-terminal-SNR schedule, v prediction: the data law within sampling error + 0.025·s', async (name, n, kind, o) => {
    const schedule = respaced(true, n);
    expect(scheduleSigmas(schedule)[0]).toBeCloseTo(4095.99987792968, 6);
    const chain = chainLaw(kind, ownSigmas(schedule), o);
    expect(Math.abs(chain[0]!.sd - S), `${name}: the chain's own bias`).toBeLessThan(0.025 * S);
    const x = await finalSample(SAMPLERS[kind](gaussianOracle(zeroSnrBase, MU, S, 'v'), [N, 2], schedule, { prediction: 'v', seed: 25, ...o }));
    const got = moments(x);
    expectLaw(got, chain, 0, name);
    expectLaw(got, DATA_LAW, 0.025 * S, name);
    x.dispose();
    schedule.dispose();
  });
});
