// Sampling with classifierFreeGuidance over the closed-form oracles of a two-class Gaussian mixture
// (test/mixture.ts): DDIM against a float64 run of the same recursion sample by sample; the exact laws at
// w = 1 (each class) and w = 0 (the mixture, half near each mean by symmetry) for DDIM and DDPM; w > 1 moving
// the mean beyond μ_c, monotone in w, as the closed form integrated over x_T says; ε, x₀ and v alike; no leaks.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectNoLeaksAsync, zCritical } from '@genmod-internal/testing';
import { MU, NULL, S, hostDdim, hostNormals, mixtureOracle } from '../test/mixture.js';
import { classifierFreeGuidance, ddimSample, ddpmSample, finalSample, linearSchedule, respace, trailingTimesteps, type ConditionalDenoiser, type Prediction, type Schedule } from './index.js';

const base = linearSchedule(1000);
const abar = tf.tensor1d(Float32Array.from(base.alphasCumprod)); // ᾱ by original timestep, float32
const mixtureNet = (prediction: Prediction = 'epsilon', calls: number[] = []) => mixtureOracle(abar, prediction, calls);
const fast = respace(base, trailingTimesteps(1000, 50));
const hundred = respace(base, trailingTimesteps(1000, 100)); // DDPM's schedule here (1000 steps would be slow on cpu)
afterAll(() => {
  base.dispose();
  fast.dispose();
  hundred.dispose();
  abar.dispose();
});
const Z = zCritical(1e-3);

/** float64: the law of one coordinate after a linear-Gaussian sampler run with the class oracle (mean μ). */
function exactGaussianLaw(schedule: Schedule, mu: number, kind: 'ddim' | 'ddpm'): { mean: number; sd: number } {
  let m = 0;
  let v = 1;
  for (let k = schedule.T - 1; k >= 0; k--) {
    const a = schedule.alphasCumprod[k]!;
    const aPrev = schedule.alphasCumprodPrev[k]!;
    const den = a * S * S + 1 - a;
    const [e1, e0] = [Math.sqrt(1 - a) / den, (-Math.sqrt(1 - a) * Math.sqrt(a) * mu) / den]; // ε̂ = e1·x + e0
    const [x1, x0] = [(1 - Math.sqrt(1 - a) * e1) / Math.sqrt(a), (-Math.sqrt(1 - a) * e0) / Math.sqrt(a)]; // x̂₀ = x1·x + x0
    let [g, h, noise] = [0, 0, 0]; // next = g·x + h + noise
    if (kind === 'ddim') {
      [g, h] = [Math.sqrt(aPrev) * x1 + Math.sqrt(1 - aPrev) * e1, Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * e0];
    } else {
      const [c1, c2] = [schedule.posteriorMeanCoef1[k]!, schedule.posteriorMeanCoef2[k]!];
      [g, h, noise] = [c1 * x1 + c2, c1 * x0, k === 0 ? 0 : schedule.posteriorVariance[k]!];
    }
    m = g * m + h;
    v = g * g * v + noise;
  }
  return { mean: m, sd: Math.sqrt(v) };
}

/** Per-coordinate sample mean and sd of the rows of `rows`. */
function moments(rows: number[][]): { mean: number[]; sd: number[] } {
  const mean = [0, 1].map((j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const sd = [0, 1].map((j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / (rows.length - 1)));
  return { mean, sd };
}

function expectLaw(rows: number[][], want: { mean: number; sd: number }[], label: string): void {
  const got = moments(rows);
  const n = rows.length;
  [0, 1].forEach((j) => {
    expect(Math.abs(got.mean[j]! - want[j]!.mean), `${label} mean[${j}] ${got.mean[j]} vs ${want[j]!.mean}`).toBeLessThan((Z * want[j]!.sd) / Math.sqrt(n));
    expect(Math.abs(got.sd[j]! - want[j]!.sd), `${label} sd[${j}] ${got.sd[j]} vs ${want[j]!.sd}`).toBeLessThan((Z * want[j]!.sd) / Math.sqrt(2 * n));
  });
}

/** The fraction of rows nearer μ₀ than μ₁ (the boundary is the line through 0 orthogonal to μ₀). */
const nearMu0 = (rows: number[][]): number => rows.filter((r) => r[0]! * MU[0]![0]! + r[1]! * MU[0]![1]! > 0).length / rows.length;

const N = 2000;
const halfLabels = () => tf.tensor1d(Array.from({ length: N }, (_, b) => (b < N / 2 ? 0 : 1)), 'int32');

describe('sampling the guided oracle', () => {
  it('DDIM (50 steps) follows the float64 DDIM recursion with the closed-form guided ε, sample by sample (w = 0, 1, 2, 4, 7.5)', async () => {
    const n = 200;
    const xT = hostNormals(n, 11);
    // (not with rescale: in two dimensions σ(out) = |out₀ − out₁|/2 comes near 0 on some paths, where the
    // ratio σ(f_c)/σ(out) amplifies rounding and the float32 and float64 paths part; the element test above checks it)
    for (const [w, phi] of [[0, 0], [1, 0], [2, 0], [4, 0], [7.5, 0]] as const) {
      const c = tf.fill([n], 0, 'int32');
      const start = tf.tensor2d(xT);
      const x = await finalSample(ddimSample(classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL, rescale: phi }), [n, 2], fast, { xT: start }));
      expectClose(x, xT.map((p) => hostDdim(fast, p, 0, w, phi)), { atol: 2e-5, label: `w = ${w}, φ = ${phi}` });
      tf.dispose([c, start, x]);
    }
  });

  it('w = 1 gives each class its own law N(μ_c, s²I) (the exact law of the sampler run: DDIM 50 steps, DDPM 100 steps), within sampling error', async () => {
    for (const [kind, sample] of [
      ['ddim', (d: ReturnType<typeof classifierFreeGuidance>) => finalSample(ddimSample(d, [N, 2], fast, { seed: 3 }))],
      ['ddpm', (d: ReturnType<typeof classifierFreeGuidance>) => finalSample(ddpmSample(d, [N, 2], hundred, { seed: 4 }))],
    ] as const) {
      const c = halfLabels();
      const x = await sample(classifierFreeGuidance(mixtureNet(), c, { scale: 1, nullCondition: NULL }));
      const rows = x.arraySync() as number[][];
      const schedule = kind === 'ddim' ? fast : hundred;
      [0, 1].forEach((k) => {
        const want = MU[k]!.map((m) => exactGaussianLaw(schedule, m, kind));
        expectLaw(rows.slice(k * (N / 2), (k + 1) * (N / 2)), want, `${kind} class ${k}`);
        // and that law is N(μ_c, s²) up to the sampler's own bias: means within 0.005; sds 0.323 (DDIM, 50 steps)
        // and 0.321 (DDPM, 100 steps, variance β̃) for s = 0.35, the few-step samplers' known variance deficit
        want.forEach((l, j) => {
          expect(Math.abs(l.mean - MU[k]![j]!), `${kind} class ${k}: exact mean vs μ_c`).toBeLessThan(0.005);
          expect(Math.abs(l.sd / S - 1), `${kind} class ${k}: exact sd vs s`).toBeLessThan(0.1);
        });
      });
      tf.dispose([c, x]);
    }
  }, 60_000);

  it('w = 0 gives the mixture: half the samples near each mean (exactly 1/2 by the symmetry μ₁ = −μ₀), each mode at μ_k with sd s (DDPM)', async () => {
    for (const kind of ['ddim', 'ddpm'] as const) {
      const c = tf.fill([N], 0, 'int32');
      const guided = classifierFreeGuidance(mixtureNet(), c, { scale: 0, nullCondition: NULL });
      const x = await finalSample(kind === 'ddim' ? ddimSample(guided, [N, 2], fast, { seed: 5 }) : ddpmSample(guided, [N, 2], hundred, { seed: 6 }));
      const rows = x.arraySync() as number[][];
      const f = nearMu0(rows);
      expect(Math.abs(f - 0.5), `${kind}: fraction near μ₀ ${f}`).toBeLessThan(Z * Math.sqrt(0.25 / N));
      if (kind === 'ddpm') {
        const mode = moments(rows.filter((r) => r[0]! * MU[0]![0]! + r[1]! * MU[0]![1]! > 0));
        [0, 1].forEach((j) => {
          expect(Math.abs(mode.mean[j]! - MU[0]![j]!), `mode mean[${j}]`).toBeLessThan((Z * S) / Math.sqrt(f * N) + 0.01);
          expect(Math.abs(mode.sd[j]! - S), `mode sd[${j}]`).toBeLessThan((Z * S) / Math.sqrt(2 * f * N) + 0.01);
        });
      }
      tf.dispose([c, x]);
    }
  }, 60_000);

  it('w > 1 moves the mean along μ_c − μ_other beyond μ_c, monotone in w (1 < 2 < 4): the sample means (DDIM, 50 steps) match E[x] of the closed form, integrated over x_T in float64', async () => {
    /** E and sd of the final DDIM sample of class 0, by a tensor-product trapezoid rule over x_T ~ N(0, I) (spectrally accurate: h = 0.4 and 0.1 agree to 1e-13). */
    const expected = (w: number) => {
      const m = [0, 0];
      const m2 = [0, 0];
      let total = 0;
      for (let a = -8; a <= 8 + 1e-9; a += 0.4) {
        for (let b = -8; b <= 8 + 1e-9; b += 0.4) {
          const wt = Math.exp(-(a * a + b * b) / 2);
          const y = hostDdim(fast, [a, b], 0, w);
          total += wt;
          [0, 1].forEach((j) => ((m[j]! += wt * y[j]!), (m2[j]! += wt * y[j]! ** 2)));
        }
      }
      return [0, 1].map((j) => ({ mean: m[j]! / total, sd: Math.sqrt(m2[j]! / total - (m[j]! / total) ** 2) }));
    };
    const dir = [MU[0]![0]! - MU[1]![0]!, MU[0]![1]! - MU[1]![1]!];
    const along = (p: readonly number[]) => p[0]! * dir[0]! + p[1]! * dir[1]!;
    const projections: number[] = [];
    for (const w of [1, 2, 4]) {
      const want = expected(w);
      const c = tf.fill([N], 0, 'int32');
      const x = await finalSample(ddimSample(classifierFreeGuidance(mixtureNet(), c, { scale: w, nullCondition: NULL }), [N, 2], fast, { seed: 8 }));
      const rows = x.arraySync() as number[][];
      const got = moments(rows);
      [0, 1].forEach((j) => expect(Math.abs(got.mean[j]! - want[j]!.mean), `w = ${w} mean[${j}] ${got.mean[j]} vs ${want[j]!.mean}`).toBeLessThan((Z * want[j]!.sd) / Math.sqrt(N)));
      projections.push(along(got.mean));
      if (w > 1) expect(along(want.map((l) => l.mean)), `w = ${w}: E[x] beyond μ₀ along μ₀ − μ₁`).toBeGreaterThan(along(MU[0]!) + 0.2);
      tf.dispose([c, x]);
    }
    expect(projections[0]).toBeLessThan(projections[1]!);
    expect(projections[1]).toBeLessThan(projections[2]!);
  }, 60_000);

  it('ε-, x₀- and v-prediction networks give the same samples (guidance is linear in the output; without rescale)', async () => {
    const outs: number[][][] = [];
    const n = 400;
    for (const prediction of ['epsilon', 'x0', 'v'] as const) {
      const c = tf.tensor1d(Array.from({ length: n }, (_, b) => b % 2), 'int32');
      const x = await finalSample(ddimSample(classifierFreeGuidance(mixtureNet(prediction), c, { scale: 3, nullCondition: NULL }), [n, 2], fast, { seed: 9, prediction }));
      outs.push(x.arraySync() as number[][]);
      tf.dispose([c, x]);
    }
    expectClose(outs[1]!, outs[0]!, { atol: 1e-4, label: 'x₀ vs ε' });
    expectClose(outs[2]!, outs[0]!, { atol: 1e-4, label: 'v vs ε' });
  }, 60_000);

  it('leaks nothing inside the samplers (DDIM and DDPM, rescaled, labels and embeddings, batch-1 condition); the condition stays the caller\'s', async () => {
    const c = tf.tensor1d([0, 1, 1, 0], 'int32');
    const one = tf.tensor1d([1], 'int32');
    const short = respace(base, trailingTimesteps(1000, 20));
    for (const cond of [c, one, [0, 1, 1, 0]]) {
      const guided = expectNoLeaks(() => classifierFreeGuidance(mixtureNet(), cond instanceof tf.Tensor ? cond : Int32Array.from(cond), { scale: 4, nullCondition: NULL, rescale: 0.7 }));
      const a = await expectNoLeaksAsync(() => finalSample(ddimSample(guided, [4, 2], short, { seed: 1 })));
      const b = await expectNoLeaksAsync(() => finalSample(ddpmSample(guided, [4, 2], short, { seed: 1 })));
      tf.dispose([a, b]);
    }
    const emb = tf.tensor2d([[1, 0], [0, 1], [0, 1], [1, 0]]);
    const embNet: ConditionalDenoiser = (xt, t, e) => tf.tidy(() => mixtureNet()(xt, t, tf.cast(tf.argMax(e, 1), 'int32')));
    const x = await expectNoLeaksAsync(() => finalSample(ddimSample(classifierFreeGuidance(embNet, emb, { scale: 2, nullCondition: [0, 0] }), [4, 2], short, { seed: 2 })));
    expect(c.isDisposed || one.isDisposed || emb.isDisposed).toBe(false);
    tf.dispose([c, one, emb, x]);
    short.dispose();
  }, 60_000);
});
