// flowSample and flowLogLikelihood with the exact velocity of Gaussian data (test/flow-oracle.ts): the ODE
// map is linear with a closed-form endpoint x(1) = μ + Σ^{1/2}·x(0) (in the eigenbasis), so every method's
// error and empirical order are measured exactly; the samples have the data law's moments; the
// log-likelihood equals log N(x₁; μ, Σ) (exact trace tightly, Hutchinson within its own closed-form spread).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectNoLeaksAsync, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { dataLogDensity, diagNormal, exactEndpoint, oracleVelocity, uniformBox, type GaussianFlow } from '../test/flow-oracle.js';
import { finalSample, flowLogLikelihood, flowSample, type FlowStep, type OdeMethod } from './index.js';

const Z = zCritical(1e-3);
const DIAG: GaussianFlow = { mu: [1, -0.5], lam: [0.25, 4] };
const FULL: GaussianFlow = { mu: [0.5, 1], lam: [1.8, 0.2], Q: [[Math.SQRT1_2, -Math.SQRT1_2], [Math.SQRT1_2, Math.SQRT1_2]] };
const SOURCE: GaussianFlow = { mu: [1, -0.5], lam: [0.25, 4], m0: [-1, 0.5], s0: [0.5, 2] };

function rmsError(a: number[][], b: number[][]): number {
  let s = 0;
  a.forEach((row, i) => row.forEach((v, k) => (s += (v - b[i]![k]!) ** 2)));
  return Math.sqrt(s / (a.length * a[0]!.length));
}

async function endpoint(g: GaussianFlow, x0: tf.Tensor, method: OdeMethod, steps: number): Promise<number[][]> {
  const x = await finalSample(flowSample(oracleVelocity(g), x0.shape, { x0, method, steps }));
  const v = x.arraySync() as number[][];
  x.dispose();
  return v;
}

describe('flowSample: empirical order from the error at N and 2N steps', () => {
  // x' = (1 − t)·x, x(1) = e^{1/2}·x(0): a field with no special structure, where each method shows its
  // order exactly (float64 Python reference: Euler 0.99 at N = 32, Heun 2.09 at 16, midpoint 1.97 at 16,
  // RK4 4.07 at 2)
  const table: [OdeMethod, number, number][] = [
    ['euler', 1, 32],
    ['heun', 2, 16],
    ['midpoint', 2, 16],
    ['rk4', 4, 2],
  ];
  it.each(table)('%s has order %s on dx/dt = (1 − t)·x', async (method, order, n) => {
    const x0 = tf.randomNormal([256, 2], 0, 1, 'float32', 1);
    const exact = (x0.arraySync() as number[][]).map((r) => r.map((v) => v * Math.exp(0.5)));
    const run = async (steps: number) => {
      const x = await finalSample(flowSample((x, t) => tf.mul(x, tf.expandDims(tf.sub(1, t), 1)), [256, 2], { x0, method, steps }));
      const v = x.arraySync() as number[][];
      x.dispose();
      return rmsError(v, exact);
    };
    const [e1, e2] = [await run(n), await run(2 * n)];
    x0.dispose();
    const measured = Math.log2(e1 / e2);
    expect(measured, `${method}: errors ${e1.toExponential(3)} at N = ${n}, ${e2.toExponential(3)} at 2N`).toBeGreaterThan(order - 0.2);
    expect(measured).toBeLessThan(order + 0.25);
  });
});

describe('flowSample with the exact velocity of Gaussian data', () => {
  // The oracle's endpoint error converges at least at the stated order; midpoint (and Heun for the
  // non-standard source) converge at order 3 at t = 1 on these fields, RK4 at 4.5–5 for N = 4 (float64
  // Python gives the same: the leading error term cancels at t = 1 for x(t) ∝ √((1 − t)² + t²λ)).
  const table: [OdeMethod, number, number][] = [
    ['euler', 1, 32],
    ['heun', 2, 16],
    ['midpoint', 2, 16],
    ['rk4', 4, 4],
  ];
  describe.each([['diagonal', DIAG], ['full covariance', FULL], ['a non-standard source', SOURCE]] as const)('%s', (_name, g) => {
    it.each(table)('%s converges to the exact ODE solution at order ≥ %s (N and 2N steps)', async (method, order, n) => {
      const x0 = g.s0 ? diagNormal(g.m0!, g.s0).sample([256], { seed: 1 }) : tf.randomNormal([256, 2], 0, 1, 'float32', 1);
      const exact = exactEndpoint(g, x0.arraySync() as number[][]);
      const e1 = rmsError(await endpoint(g, x0, method, n), exact);
      const e2 = rmsError(await endpoint(g, x0, method, 2 * n), exact);
      x0.dispose();
      const measured = Math.log2(e1 / e2);
      expect(measured, `${method}: errors ${e1.toExponential(3)} at N = ${n}, ${e2.toExponential(3)} at 2N`).toBeGreaterThan(order - 0.35);
      expect(measured).toBeLessThan(order + 1.2);
      expect(e2).toBeLessThan(method === 'euler' ? 0.05 : 2e-3);
    });
  });

  it('reaches N(μ, Σ): mean and covariance within sampling error (RK4, 8 steps)', async () => {
    const n = 8000;
    for (const g of [DIAG, FULL]) {
      const x = await finalSample(flowSample(oracleVelocity(g), [n, 2], { method: 'rk4', steps: 8, seed: 2 }));
      const rows = x.arraySync() as number[][];
      x.dispose();
      const Q = g.Q ?? [[1, 0], [0, 1]];
      // the exact Σ and its sampling errors: SE(mean_i) = √(Σ_ii/n), SE(Σ̂_ij) = √((Σ_ii Σ_jj + Σ_ij²)/n)
      const S = [0, 1].map((i) => [0, 1].map((j) => Q[i]![0]! * Q[j]![0]! * g.lam[0]! + Q[i]![1]! * Q[j]![1]! * g.lam[1]!));
      const mean = [0, 1].map((k) => rows.reduce((a, r) => a + r[k]!, 0) / n);
      [0, 1].forEach((i) => expect(Math.abs(mean[i]! - g.mu[i]!)).toBeLessThan(Z * Math.sqrt(S[i]![i]! / n)));
      for (const [i, j] of [[0, 0], [0, 1], [1, 1]] as const) {
        const c = rows.reduce((a, r) => a + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / (n - 1);
        expect(Math.abs(c - S[i]![j]!), `Σ[${i}][${j}]: ${c} vs ${S[i]![j]!}`).toBeLessThan(Z * Math.sqrt((S[i]![i]! * S[j]![j]! + S[i]![j]! ** 2) / n));
      }
    }
  });
});

describe('the iteration', () => {
  const zero = (x: tf.Tensor) => tf.zerosLike(x);

  it.each([['euler', 1], ['heun', 2], ['midpoint', 2], ['rk4', 4]] as const)('%s: steps, times, %s evaluations per step, counted by calls', async (method, perStep) => {
    let calls = 0;
    const ts: number[] = [];
    const v = (x: tf.Tensor, t: tf.Tensor) => {
      calls++;
      ts.push(t.dataSync()[0]!);
      return tf.zerosLike(x);
    };
    const seen: Omit<FlowStep, 'x' | 'predX0'>[] = [];
    for await (const { x, predX0: _p, ...rest } of flowSample(v, [3, 2], { method, steps: 4, seed: 0 })) {
      seen.push(rest);
      if (rest.final) x.dispose();
    }
    expect(calls).toBe(4 * perStep);
    expect(seen.map((s) => s.evaluations)).toEqual([1, 2, 3, 4].map((k) => k * perStep));
    expect(seen.map((s) => s.t)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(seen.map((s) => s.timestep)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(seen.map((s) => s.index)).toEqual([3, 2, 1, 0]);
    expect(seen.map((s) => s.final)).toEqual([false, false, false, true]);
    expect(seen.map((s) => s.progress)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Math.min(...ts)).toBe(0);
    expect(Math.max(...ts)).toBeCloseTo(method === 'euler' ? 0.75 : method === 'midpoint' ? 0.875 : 1, 6);
  });

  it('predX0 is the data estimate x + (1 − t)·v (exact for a constant velocity)', async () => {
    const x0 = tf.tensor2d([[0, 1]]);
    for await (const s of flowSample((x) => tf.onesLike(x), [1, 2], { x0, steps: 4 })) {
      expect(Array.from(s.predX0.dataSync())).toEqual([1, 2]);
      if (s.final) s.x.dispose();
    }
    x0.dispose();
  });

  it('leaves the given x₀ to the caller, keeps the tensor count flat, and the seed fixes the draw (0 included)', async () => {
    const x0 = tf.randomNormal([4, 2], 0, 1, 'float32', 3);
    const x = await expectNoLeaksAsync(() => finalSample(flowSample(oracleVelocity(DIAG), [4, 2], { x0, steps: 3, method: 'heun' })));
    expect(x0.isDisposed).toBe(false);
    tf.dispose([x, x0]);
    const counts: number[] = [];
    const y = await finalSample(flowSample(oracleVelocity(DIAG), [4, 2], { steps: 6, seed: 1 }), () => counts.push(tf.memory().numTensors));
    expect(new Set(counts).size).toBe(1);
    const a = await finalSample(flowSample(zero, [4, 2], { steps: 1, seed: 0 }));
    const b = await finalSample(flowSample(zero, [4, 2], { steps: 1, seed: 0 }));
    const c = await finalSample(flowSample(zero, [4, 2], { steps: 1, seed: 1 }));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([y, a, b, c]);
  });

  it('starts from any source of the contract (uniform box, v = 0 returns its draws)', async () => {
    const x = await finalSample(flowSample(zero, [3000, 2], { source: uniformBox(2, -3, -2), steps: 2, seed: 4 }));
    const values = Array.from(x.dataSync());
    x.dispose();
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...values)).toBeLessThanOrEqual(-2);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean + 2.5)).toBeLessThan(Z * Math.sqrt(1 / 12 / values.length));
  });

  it('stops on an AbortSignal and on break, leaving nothing allocated', async () => {
    const controller = new AbortController();
    await expectNoLeaksAsync(async () => {
      await expect(
        (async () => {
          for await (const s of flowSample(zero, [2, 2], { steps: 10, signal: controller.signal, seed: 1 })) if (s.step === 3) controller.abort();
        })(),
      ).rejects.toThrow(/abort/i);
    });
    const x0 = tf.zeros([2, 2]);
    await expectNoLeaksAsync(async () => {
      for await (const s of flowSample(zero, [2, 2], { steps: 10, x0, method: 'rk4' })) if (s.step === 2) break;
    });
    expect(x0.isDisposed).toBe(false);
    x0.dispose();
    const aborted = AbortSignal.abort();
    await expectNoLeaksAsync(async () => {
      await expect(finalSample(flowSample(zero, [2, 2], { signal: aborted }))).rejects.toThrow(/abort/i);
    });
    await expectNoLeaksAsync(async () => {
      await expect(finalSample(flowSample(() => tf.zeros([1]), [2, 2], { steps: 2 }))).rejects.toThrow(/flowSample: the velocity output must be a float32 tensor of the input's shape \[2, 2\]/);
    });
  });

  it('refuses bad input when called', () => {
    expectThrowsClean(() => flowSample(3 as never, [2, 2]), /flowSample: velocity must be a function/);
    expectThrowsClean(() => flowSample(zero, [0, 2]), /flowSample: shape must be a non-empty shape \[B, \.\.\.\] with B ≥ 1/);
    expectThrowsClean(() => flowSample(zero, [2, 2], { steps: 0 }), /flowSample: options\.steps must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => flowSample(zero, [2, 2], { method: 'rk45' as never }), /flowSample: options\.method must be one of 'euler', 'heun', 'midpoint', 'rk4', got rk45/);
    expectThrowsClean(() => flowSample(zero, [2, 2], { x0: [[1, 2]] }), /flowSample: options\.x0 must be of the requested sample's shape \[2, 2\], got shape \[1, 2\]/);
    expectThrowsClean(() => flowSample(zero, [2, 2], { source: uniformBox(3, 0, 1) }), /flowSample: options\.source must be a distribution whose sample\(\[2\]\) has the requested sample's shape \[2, 2\]/);
    expectThrowsClean(() => flowSample(zero, [2, 2], { signal: {} as never }), /flowSample: options\.signal must be an AbortSignal/);
    expectThrowsClean(() => flowSample(zero, [2, 2], { step: 3 } as never), /unknown option 'step' \(did you mean 'steps'\?\)/);
  });
});

describe('flowLogLikelihood with the exact velocity of Gaussian data', () => {
  const points = (g: GaussianFlow, n: number, seed: number): number[][] =>
    exactEndpoint(g, (tf.tidy(() => tf.randomNormal([n, 2], 0, 1, 'float32', seed)).arraySync() as number[][]).map((r) => r.map((v, i) => (g.s0 ? g.m0![i]! + g.s0[i]! * v : v))));

  it.each([['diagonal', DIAG], ['full covariance', FULL]] as const)('%s: exact trace equals log N(x₁; μ, Σ)', (_name, g) => {
    const x1 = points(g, 64, 5);
    const expected = dataLogDensity(g, x1);
    const got = expectNoLeaks(() => flowLogLikelihood(oracleVelocity(g), x1, { steps: 16 }));
    const values = Array.from(got.dataSync());
    got.dispose();
    values.forEach((v, i) => expect(Math.abs(v - expected[i]!), `example ${i}: ${v} vs ${expected[i]}`).toBeLessThan(2e-4 * (1 + Math.abs(expected[i]!))));
  });

  it('gets the sign of the divergence right (a wrong sign is off by log|Σ| = 1.04 here)', () => {
    const x1 = [[0.5, 1]];
    const got = flowLogLikelihood(oracleVelocity(FULL), x1, { steps: 8 });
    expect(got.dataSync()[0]).toBeCloseTo(dataLogDensity(FULL, x1)[0]!, 3);
    got.dispose();
    expect(Math.abs(Math.log(1.8 * 0.2))).toBeGreaterThan(1);
  });

  it('with a non-standard source sums its elementwise logProb', () => {
    const x1 = points(SOURCE, 32, 6);
    const got = flowLogLikelihood(oracleVelocity(SOURCE), x1, { source: diagNormal(SOURCE.m0!, SOURCE.s0!), steps: 16 });
    const expected = dataLogDensity(SOURCE, x1);
    Array.from(got.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 3));
    got.dispose();
  });

  it.each(['euler', 'heun', 'midpoint', 'rk4'] as const)('%s converges (error shrinks with steps)', (method) => {
    const x1 = points(FULL, 16, 7);
    const expected = dataLogDensity(FULL, x1);
    const err = (steps: number) => {
      const got = flowLogLikelihood(oracleVelocity(FULL), x1, { steps, method });
      const e = Math.max(...Array.from(got.dataSync(), (v, i) => Math.abs(v - expected[i]!)));
      got.dispose();
      return e;
    };
    const [e1, e2] = [err(8), err(32)];
    expect(e2).toBeLessThan(method === 'rk4' ? 1e-3 : method === 'euler' ? 0.5 * e1 : 0.2 * e1);
  });

  it('Hutchinson is unbiased: each estimate is off by exactly ±(log Σ)₁₂ / (its probe average), mean zero', () => {
    // J = A(t) does not depend on x, ∫₀¹ A dt = ½ log Σ, so with one Rademacher probe εᵀ(∫A)ε − tr ∫A = ε₁ε₂·(log Σ)₁₂
    const logSigma12 = 0.5 * (Math.log(1.8) - Math.log(0.2)); // Q diag(log λ) Qᵀ, entry (1, 2)
    const n = 400;
    const x1 = points(FULL, n, 8);
    const exact = flowLogLikelihood(oracleVelocity(FULL), x1, { steps: 8, trace: 'exact' });
    const e = exact.dataSync();
    for (const probes of [1, 4]) {
      const hutch = expectNoLeaks(() => flowLogLikelihood(oracleVelocity(FULL), x1, { steps: 8, trace: 'hutchinson', probes, seed: 3 }));
      const diff = Array.from(hutch.dataSync(), (v, i) => (v - e[i]!) / logSigma12);
      hutch.dispose();
      // every difference is a probe average of ±1 values: a multiple of 1/probes (2/probes apart)
      diff.forEach((dv) => expect(Math.abs(dv * probes - Math.round(dv * probes))).toBeLessThan(1e-3 * probes));
      expect(diff.some((dv) => Math.abs(dv) > 0.4)).toBe(true);
      const mean = diff.reduce((a, b) => a + b, 0) / n;
      // Var(mean of P products ε₁ε₂) = 1/P
      expect(Math.abs(mean)).toBeLessThan(Z * Math.sqrt(1 / probes / n));
      const variance = diff.reduce((a, b) => a + b * b, 0) / n;
      // Var(diff²) = E[(S/P)⁴] − 1/P² = (2P − 2)/P³ for S a sum of P Rademacher signs
      expect(Math.abs(variance - 1 / probes)).toBeLessThan(Z * Math.sqrt((2 * probes - 2) / probes ** 3 / n) + 1e-4);
    }
    exact.dispose();
  });

  it('defaults to Hutchinson above d = 16, and the seed fixes its probes', () => {
    const d = 20;
    const m = tf.tidy(() => tf.mul(tf.randomNormal([d, d], 0, 1, 'float32', 9), 0.1));
    const v = (x: tf.Tensor) => tf.matMul(x, m);
    const x1 = tf.randomNormal([3, d], 0, 1, 'float32', 10);
    const run = (opts: Record<string, unknown>) => {
      const r = flowLogLikelihood(v, x1, { steps: 2, ...opts });
      const a = Array.from(r.dataSync());
      r.dispose();
      return a;
    };
    expect(run({ seed: 1 })).toEqual(run({ seed: 1, trace: 'hutchinson' }));
    expect(run({ seed: 1 })).not.toEqual(run({ seed: 2 }));
    expect(run({ seed: 1 })).not.toEqual(run({ trace: 'exact' }));
    tf.dispose([m, x1]);
  });

  it('a velocity that ignores x has zero divergence; leaks nothing; refuses bad input', () => {
    const x1 = [[0, 0]];
    const shift = (x: tf.Tensor) => tf.ones(x.shape); // x(0) = x₁ − 1
    const got = expectNoLeaks(() => flowLogLikelihood(shift, x1, { steps: 2 }));
    expect(got.dataSync()[0]).toBeCloseTo(-Math.log(2 * Math.PI) - 1, 5);
    got.dispose();
    const v = (x: tf.Tensor) => tf.zerosLike(x);
    expectThrowsClean(() => flowLogLikelihood(3 as never, x1), /flowLogLikelihood: velocity must be a function/);
    expectThrowsClean(() => flowLogLikelihood(v, 3), /flowLogLikelihood: x1 must be a tensor of rank ≥ 1/);
    expectThrowsClean(() => flowLogLikelihood(v, x1, { trace: 'approx' as never }), /options\.trace must be one of 'exact', 'hutchinson', got approx/);
    expectThrowsClean(() => flowLogLikelihood(v, x1, { probes: 2 }), /options\.probes must be absent unless options\.trace is 'hutchinson', got 2/);
    expectThrowsClean(() => flowLogLikelihood(v, x1, { trace: 'hutchinson', probes: 0 }), /options\.probes must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => flowLogLikelihood(v, x1, { steps: 1.5 }), /options\.steps must be an integer ≥ 1, got 1\.5/);
    expectThrowsClean(() => flowLogLikelihood(v, x1, { source: uniformBox(3, 0, 1) }), /options\.source must be a distribution whose sample\(\[1\]\) has x1's shape \[1, 2\]/);
    expectThrowsClean(() => flowLogLikelihood(v, x1, { probe: 1 } as never), /unknown option 'probe' \(did you mean 'probes'\?\)/);
    expectNoLeaks(() => {
      expect(() => flowLogLikelihood(() => tf.zeros([1]), x1)).toThrow(/flowLogLikelihood: the velocity output must be a float32 tensor of the input's shape \[2, 2\]/);
    });
  });
});
