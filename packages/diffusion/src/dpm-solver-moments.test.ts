// The law of DPM-Solver++ samples for Gaussian data N(μ, Σ) with its exact denoiser (test/dpm-oracle.ts): the
// moments against the sampler's exact (affine) law and the exact flow law, for ε, x₀ and v prediction and zero
// terminal SNR, and the exact λ = −∞ limit of the first step.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, zCritical } from '@genmod-internal/testing';
import {
  dpmSolverSample,
  finalSample,
  linearSchedule,
  linspaceTimesteps,
  rescaleZeroTerminalSnr,
  respace,
  trailingTimesteps,
  type DpmSolverSampleOptions,
  type Schedule,
} from './index.js';
import { gaussianDenoiser, MU, states, type Mat2 } from '../test/dpm-oracle.js';

describe('samples have the law of the data N(μ, Σ) as the exact flow gives it', () => {
  const N = 4000;

  /** Eigenvalues and unit eigenvectors (columns) of a symmetric 2×2 matrix with a non-zero off-diagonal. */
  function eig2([[p, r], [, q]]: Mat2): { values: number[]; vectors: number[][] } {
    const mid = (p + q) / 2;
    const rad = Math.hypot((p - q) / 2, r);
    const values = [mid + rad, mid - rad];
    const cols = values.map((l) => {
      const n = Math.hypot(r, l - p);
      return [r / n, (l - p) / n];
    });
    return { values, vectors: [[cols[0]![0]!, cols[1]![0]!], [cols[0]![1]!, cols[1]![1]!]] };
  }

  /**
   * The law of the sample if the probability-flow ODE were solved exactly from x_T ~ N(0, I) at the first
   * index (ᾱ₁) to the last (ᾱ₀), followed by the final step x = x̂₀: per eigen-direction of Σ (variance e,
   * mean ν), z = (y − √ᾱ₁·ν)/√(ᾱ₁e + 1 − ᾱ₁) is constant along the ODE and x̂₀ = ν + e·√ᾱ₀·z/√(ᾱ₀e + 1 − ᾱ₀):
   *   mean ν·(1 − e·√(ᾱ₀ᾱ₁)/√((ᾱ₀e + 1 − ᾱ₀)(ᾱ₁e + 1 − ᾱ₁))),  variance e²·ᾱ₀/((ᾱ₀e + 1 − ᾱ₀)(ᾱ₁e + 1 − ᾱ₁)).
   * It is N(μ, Σ) when ᾱ₀ ≈ 1 and ᾱ₁ ≈ 0; with trailing steps (last timestep T/n − 1) the final x̂₀ =
   * E[x₀ | x_t] shrinks the covariance (by 16% here at 20 steps): that belongs to the method, not the solver.
   */
  function flowLaw(s: Schedule, mu: number[], cov: Mat2): { mean: number[]; cov: number[][] } {
    const a1 = s.alphasCumprod[s.T - 1]!;
    const a0 = s.alphasCumprod[0]!;
    const { values, vectors: Q } = eig2(cov);
    const nu = [0, 1].map((i) => Q[0]![i]! * mu[0]! + Q[1]![i]! * mu[1]!);
    const my = values.map((e, i) => nu[i]! * (1 - (e * Math.sqrt(a0 * a1)) / Math.sqrt((a0 * e + 1 - a0) * (a1 * e + 1 - a1))));
    const vy = values.map((e) => (e * e * a0) / ((a0 * e + 1 - a0) * (a1 * e + 1 - a1)));
    return {
      mean: [0, 1].map((r) => Q[r]![0]! * my[0]! + Q[r]![1]! * my[1]!),
      cov: [0, 1].map((r) => [0, 1].map((c) => Q[r]![0]! * vy[0]! * Q[c]![0]! + Q[r]![1]! * vy[1]! * Q[c]![1]!)),
    };
  }

  function moments(v: Float32Array, n: number): { mean: number[]; cov: number[][] } {
    const mean = [0, 1].map((d) => {
      let a = 0;
      for (let i = 0; i < n; i++) a += v[2 * i + d]!;
      return a / n;
    });
    const cov = [0, 1].map((r) =>
      [0, 1].map((c) => {
        let a = 0;
        for (let i = 0; i < n; i++) a += (v[2 * i + r]! - mean[r]!) * (v[2 * i + c]! - mean[c]!);
        return a / (n - 1);
      }),
    );
    return { mean, cov };
  }

  const linear = () => linearSchedule(1000);
  const zeroSnr = () => rescaleZeroTerminalSnr(linearSchedule(1000));
  it.each([
    ['ε, 2M, 20 trailing steps', linear, 20, 'epsilon', 2, [[0.16, 0.06], [0.06, 0.09]]],
    ['x₀, 3M, 20 trailing steps', linear, 20, 'x0', 3, [[0.16, 0.06], [0.06, 0.09]]],
    ['v, 2M, 20 trailing steps, unit-scale data', linear, 20, 'v', 2, [[1, 0.3], [0.3, 0.5]]],
    ['v, 2M, zero terminal SNR, 20 trailing steps', zeroSnr, 20, 'v', 2, [[0.16, 0.06], [0.06, 0.09]]],
    ['v, 3M, zero terminal SNR, 12 trailing steps (lowerOrderFinal)', zeroSnr, 12, 'v', 3, [[0.16, 0.06], [0.06, 0.09]]],
    ['ε, 2M, 100 linspace steps (ends at ᾱ₀ ≈ 1: the flow law is N(μ, Σ))', linear, -100, 'epsilon', 2, [[0.16, 0.06], [0.06, 0.09]]],
  ] as const)('%s: moments within sampling error of the sampler\'s exact law, itself within 5% of the flow law', async (_name, makeBase, steps, prediction, order, cov) => {
    const b = makeBase();
    const s = respace(b, steps > 0 ? trailingTimesteps(1000, steps) : linspaceTimesteps(1000, -steps));
    const COV = cov as unknown as Mat2;
    const want = flowLaw(s, MU, COV);
    if (steps < 0) {
      // ᾱ₀ ≈ 1 and ᾱ₁ ≈ 0: the flow law is the data law
      for (const r of [0, 1]) {
        expect(Math.abs(want.mean[r]! - MU[r]!)).toBeLessThan(0.01);
        for (const k of [0, 1]) expect(Math.abs(want.cov[r]![k]! - COV[r]![k]!)).toBeLessThan(1e-3);
      }
    }
    const d = gaussianDenoiser(s, MU, COV, prediction);
    const options: DpmSolverSampleOptions = { order, prediction };
    // the sampler is affine in x_T here (x = G·x_T + c): its exact output law N(c, G·Gᵀ) from x_T = 0, e₁, e₂
    const basis = tf.tensor2d([[0, 0], [1, 0], [0, 1]]);
    const probe = await finalSample(dpmSolverSample(d, [3, 2], s, { ...options, xT: basis }));
    const p = probe.dataSync();
    const c = [p[0]!, p[1]!];
    const G = [[p[2]! - c[0]!, p[4]! - c[0]!], [p[3]! - c[1]!, p[5]! - c[1]!]];
    const law = [0, 1].map((r) => [0, 1].map((k) => G[r]![0]! * G[k]![0]! + G[r]![1]! * G[k]![1]!));
    tf.dispose([basis, probe]);
    // the solver's discretization bias: within 5% of the scale of the flow law
    const scale = Math.max(want.cov[0]![0]!, want.cov[1]![1]!);
    const bias = Math.max(...[0, 1].flatMap((r) => [0, 1].map((k) => Math.abs(law[r]![k]! - want.cov[r]![k]!)))) / scale;
    console.log(`${_name}: largest covariance bias against the flow law ${(100 * bias).toFixed(2)}% of its scale`);
    for (const r of [0, 1]) {
      expect(Math.abs(c[r]! - want.mean[r]!), `law mean[${r}] ${c[r]} vs ${want.mean[r]}`).toBeLessThan(0.05 * Math.sqrt(scale));
      for (const k of [0, 1]) expect(Math.abs(law[r]![k]! - want.cov[r]![k]!), `law cov[${r}][${k}] ${law[r]![k]} vs ${want.cov[r]![k]}`).toBeLessThan(0.05 * scale);
    }
    const x = await finalSample(dpmSolverSample(d, [N, 2], s, { ...options, seed: 7 }));
    const got = moments(x.dataSync() as Float32Array, N);
    x.dispose();
    s.dispose();
    b.dispose();
    const z = zCritical(1e-3);
    for (const r of [0, 1]) {
      // against the sampler's exact law (sampling error only), and against the flow law (plus the bias above)
      const se = Math.sqrt(law[r]![r]! / N);
      expect(Math.abs(got.mean[r]! - c[r]!), `mean[${r}] ${got.mean[r]} vs ${c[r]}`).toBeLessThan(z * se);
      expect(Math.abs(got.mean[r]! - want.mean[r]!), `mean[${r}] vs the flow law`).toBeLessThan(z * se + Math.abs(c[r]! - want.mean[r]!));
      for (const k of [0, 1]) {
        // Var(S_rk) ≈ (C_rr·C_kk + C_rk²)/N for Gaussian samples
        const seCov = Math.sqrt((law[r]![r]! * law[k]![k]! + law[r]![k]! ** 2) / N);
        expect(Math.abs(got.cov[r]![k]! - law[r]![k]!), `cov[${r}][${k}] ${got.cov[r]![k]} vs ${law[r]![k]}`).toBeLessThan(z * seCov);
        expect(Math.abs(got.cov[r]![k]! - want.cov[r]![k]!), `cov[${r}][${k}] vs the flow law`).toBeLessThan(z * seCov + Math.abs(law[r]![k]! - want.cov[r]![k]!));
      }
    }
  });

  it('zero terminal SNR with v-prediction: the first step (ᾱ = 0, λ = −∞) is the exact limit x = σ_t·x_T + α_t·x̂₀, no NaN anywhere', async () => {
    const s = respace(rescaleZeroTerminalSnr(linearSchedule(1000)), trailingTimesteps(1000, 8));
    expect(s.alphasCumprod[7]).toBe(0);
    const xT = tf.randomNormal([16, 2], 0, 1, 'float32', 3);
    for (const order of [1, 2, 3] as const) {
      const got = await states(dpmSolverSample(gaussianDenoiser(s, MU, [[0.16, 0.06], [0.06, 0.09]], 'v'), [16, 2], s, { order, prediction: 'v', xT }));
      for (const v of got.values()) expect(v.every(Number.isFinite)).toBe(true);
      // x̂₀ at ᾱ = 0 is E[x₀] = μ: the first state is σ'·x_T + α'·μ, whatever the order
      const a = s.alphasCumprod[6]!;
      const want = Array.from(xT.dataSync(), (x, j) => Math.sqrt(1 - a) * x + Math.sqrt(a) * MU[j % 2]!);
      expectClose(got.get(7)!, want, { rtol: 1e-5, atol: 1e-6, label: `order ${order}, first step` });
    }
    xT.dispose();
    s.dispose();
  });
});
