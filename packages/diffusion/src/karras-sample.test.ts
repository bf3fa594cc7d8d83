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

describe('on the schedule’s own σ, Euler is DDIM with η = 0 and Euler ancestral is DDIM with η', () => {
  const fast = respace(base, trailingTimesteps(1000, 10));
  const xT = tf.keep(tf.randomNormal([64, 2], 0, 1, 'float32', 31));
  afterAll(() => {
    xT.dispose();
    fast.dispose();
  });

  it.each([
    ['epsilon', {}],
    ['x0', {}],
    ['v', {}],
    ['epsilon', { clipX0: 0.8 }],
    ['v', { dynamicThreshold: { percentile: 0.9 } }],
  ] as const)('Euler, %s prediction %o: the same samples as ddimSample from the same x_T', async (prediction, extra) => {
    const d = gaussianOracle(fast, MU, S, prediction);
    const a = await finalSample(eulerSample(d, [64, 2], fast, { xT, prediction, ...extra }));
    const b = await finalSample(ddimSample(d, [64, 2], fast, { xT, prediction, ...extra }));
    expectClose(a, b, { atol: 2e-5, rtol: 2e-5, label: 'Euler vs DDIM' });
    tf.dispose([a, b]);
  });

  it.each([1, 0.5])('Euler ancestral with η = %d: the same samples as ddimSample with η and the same seed', async (eta) => {
    const d = gaussianOracle(fast, MU, S);
    const a = await finalSample(eulerAncestralSample(d, [64, 2], fast, { eta, seed: 'same' }));
    const b = await finalSample(ddimSample(d, [64, 2], fast, { eta, seed: 'same' }));
    expectClose(a, b, { atol: 2e-5, rtol: 2e-5, label: 'Euler ancestral vs DDIM' });
    tf.dispose([a, b]);
  });

  it('every intermediate latent x_t matches DDIM’s, and the steps report σ, the schedule index and its timestep', async () => {
    const d = gaussianOracle(fast, MU, S);
    const ours: { x: number[]; step: Omit<SamplerStep, 'x' | 'predX0'> }[] = [];
    const theirs: number[][] = [];
    const a = await finalSample(eulerSample(d, [64, 2], fast, { xT }), ({ x, predX0: _p, ...step }) => ours.push({ x: Array.from(x.dataSync()), step }));
    const b = await finalSample(ddimSample(gaussianOracle(fast, MU, S), [64, 2], fast, { xT }), (s) => theirs.push(Array.from(s.x.dataSync())));
    ours.forEach((o, i) => expectClose(o.x, theirs[i]!, { atol: 2e-5, rtol: 2e-5, label: `step ${i + 1}` }));
    const sigmas = ownSigmas(fast);
    expect(ours.map((o) => o.step.index)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(ours.map((o) => o.step.timestep)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(ours.map((o) => o.step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    ours.forEach((o, i) => expect(o.step.sigma).toBeCloseTo(sigmas[i + 1]!, 12));
    expect(ours[9]!.step).toMatchObject({ total: 10, progress: 1, final: true, sigma: 0 });
    expect(d.dtypes).toEqual(new Set(['float32']));
    tf.dispose([a, b]);
  });
});

describe('the σ grids', () => {
  it('karrasSigmas: the EDM formula for k-diffusion’s defaults (σ_min = 0.002, σ_max = 80, ρ = 7, n = 5), from mpmath', () => {
    const got = karrasSigmas(base, 5, { sigmaMin: 0.002, sigmaMax: 80 });
    expect(got).toBeInstanceOf(Float64Array);
    expectClose(got, [80, 17.52783196464411, 2.5152189761471586, 0.16975275626876403, 0.002, 0], { rtol: 1e-13, atol: 0 });
  });

  it('karrasSigmas: defaults from the schedule’s σ range (numpy float64), any ρ against (a + i/(n − 1)·(b − a))^ρ', () => {
    const got = karrasSigmas(base, 12);
    expect(got).toHaveLength(13);
    expect(got[0]).toBeCloseTo(157.40728081040757, 10);
    expect(got[11]).toBeCloseTo(0.010000500037502575, 14);
    expect(got[12]).toBe(0);
    for (const rho of [1, 3, 7, 20]) {
      const g = karrasSigmas(base, 6, { rho, sigmaMin: 0.1, sigmaMax: 10 });
      // ρ = 1 is linear in σ; otherwise σ_i^{1/ρ} is evenly spaced
      const roots = Array.from(g.subarray(0, 6), (v) => v ** (1 / rho));
      for (let i = 1; i < 6; i++) expect(roots[i]! - roots[i - 1]!).toBeCloseTo((0.1 ** (1 / rho) - 10 ** (1 / rho)) / 5, 12);
    }
    expectClose(karrasSigmas(base, 5, { rho: 1, sigmaMin: 1, sigmaMax: 5 }), [5, 4, 3, 2, 1, 0], { rtol: 1e-14, atol: 1e-14 });
    expectClose(karrasSigmas(base, 1, { sigmaMax: 3 }), [3, 0], { rtol: 0, atol: 0 });
  });

  it('scheduleSigmas: √((1 − ᾱ)/ᾱ) of each (respaced) timestep, descending, then 0 (numpy float64)', () => {
    const s = respace(base, trailingTimesteps(1000, 4));
    expectClose(scheduleSigmas(s), [157.40728081040757, 17.24698300991162, 3.424136619044041, 0.9529355002015923, 0], { rtol: 1e-12, atol: 0 });
    s.dispose();
    const lead = respace(base, leadingTimesteps(1000, 5));
    const sig = scheduleSigmas(lead);
    expect(sig).toHaveLength(6);
    expect(sig[0]).toBeCloseTo(Math.sqrt(1 / base.alphasCumprod[800]! - 1), 10);
    lead.dispose();
  });

  it('zero terminal SNR: ᾱ_T = 0 is clamped to 2⁻²⁴ (σ ≈ 4096, numpy), and the few timesteps before it with ᾱ < 2⁻²⁴ too', () => {
    const zero = rescaleZeroTerminalSnr(base);
    expect(karrasSigmas(zero, 4)[0]).toBeCloseTo(4095.9998779296857, 8);
    const all = scheduleSigmas(zero);
    expect(all.every((v) => Number.isFinite(v))).toBe(true);
    for (let i = 1; i < all.length; i++) expect(all[i]!).toBeLessThanOrEqual(all[i - 1]!);
    expect(all[0]).toBe(all[1]); // ᾱ_998 ≈ 4e−9 < 2⁻²⁴ as well
    zero.dispose();
  });
});

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
