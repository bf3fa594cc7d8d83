// The variational bound with the oracle denoiser on data from a known Gaussian: its expectation given x₀ is
// known in closed form (computed here in float64), and with the optimal per-step variances the bound is
// tight: it matches −log p(x₀) up to L_T.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { oracleDenoiser, oracleSquaredError, oracleVariances } from '../test/oracle.js';
import { linearSchedule, variationalBound, type ModelVariance } from './index.js';

const MU = [0.3, -0.5];
const S = 0.5;
const B = 1024;
const schedule = linearSchedule(1000);
const denoiser = oracleDenoiser(schedule, MU, S);
const x0 = tf.keep(tf.add(tf.mul(tf.randomNormal([B, 2], 0, 1, 'float32', 42), S), tf.tensor1d(MU)));
const x0Host = x0.arraySync() as number[][];
afterAll(() => {
  x0.dispose();
  schedule.dispose();
});

/** −log N(x₀; μ, s²), per example (float64). */
const nll = x0Host.map((r) => r.reduce((acc, v, d) => acc + 0.5 * Math.log(2 * Math.PI * S * S) + (v - MU[d]!) ** 2 / (2 * S * S), 0));

/** E[L | x₀] for the oracle in closed form (float64), per example. */
function expectedBound(logVar: Float64Array): number[] {
  const T = schedule.T;
  return x0Host.map((r) => {
    let total = 0;
    for (const [d, v] of r.entries()) {
      const aT = schedule.alphasCumprod[T - 1]!;
      total += 0.5 * (-1 - Math.log(1 - aT) + (1 - aT) + aT * v * v); // L_T
      for (let i = 0; i < T; i++) {
        const se = oracleSquaredError(schedule, i, v - MU[d]!, S);
        const c1 = schedule.posteriorMeanCoef1[i]!;
        const lv = logVar[i]!;
        if (i === 0) total += 0.5 * Math.log(2 * Math.PI) + 0.5 * lv + se / (2 * Math.exp(lv));
        else {
          const pv = schedule.posteriorVariance[i]!;
          total += 0.5 * (lv - Math.log(pv) + pv / Math.exp(lv) - 1) + (c1 * c1 * se) / (2 * Math.exp(lv));
        }
      }
    }
    return total;
  });
}

const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return { mean: m, se: Math.sqrt(v / xs.length) };
};

const log = (v: ArrayLike<number>) => Float64Array.from(v, Math.log);
const variances: [string, ModelVariance, Float64Array][] = [
  ['optimal per-step variances', oracleVariances(schedule, S), log(oracleVariances(schedule, S))],
  ["'beta'", 'beta', Float64Array.from(schedule.betas, (b, i) => Math.log(i === 0 ? schedule.posteriorVariance[1]! : b))],
  ["'posterior'", 'posterior', schedule.posteriorLogVarianceClipped],
];

describe('variationalBound with the oracle denoiser on N(μ, s²) data (T = 1000, B = 1024, continuous decoder)', () => {
  it.each(variances)('%s: the exact sum over all T terms matches the closed-form E[L | x₀] per example', (_name, variance, logVar) => {
    const r = expectNoLeaks(() => variationalBound(denoiser, x0, schedule, { variance, decoder: 'gaussian', seed: 7 }));
    expect(r.terms.shape).toEqual([B, 1000]);
    expect(r.timesteps.shape).toEqual([B, 1000]);
    const nats = Array.from(r.nats.dataSync());
    const want = expectedBound(logVar);
    const diff = meanSd(nats.map((v, b) => v - want[b]!));
    // the x_t draws are the only randomness left: z(1e-3)·SE, plus float32 summation of 1000 terms
    expect(Math.abs(diff.mean), `mean difference ${diff.mean} (SE ${diff.se})`).toBeLessThan(zCritical(1e-3) * diff.se + 2e-3);
    expectBitsPerDim(r.nats, r.bitsPerDim);
    tf.dispose(Object.values(r));
  });

  it('with the optimal variances the bound is tight: E[L] = −log p(x₀) + O(L_T), measured ≈ the analytic log-likelihood', () => {
    // the closed form first: the gap E[L | x₀] + log p(x₀) is ≈ 0 for every example (exact reverse conditionals)
    const want = expectedBound(variances[0]![2]);
    const gap = want.map((v, b) => v - nll[b]!);
    expect(Math.max(...gap.map(Math.abs))).toBeLessThan(2e-3);
    // then the estimate against the analytic −log p(x₀)
    const r = variationalBound(denoiser, x0, schedule, { variance: variances[0]![1], decoder: 'gaussian', seed: 8 });
    const nats = Array.from(r.nats.dataSync());
    const diff = meanSd(nats.map((v, b) => v - nll[b]!));
    const meanNll = nll.reduce((a, b) => a + b, 0) / B;
    console.log(`ELBO check: mean −ELBO ${(meanNll + diff.mean).toFixed(4)} nats vs analytic −log p(x₀) ${meanNll.toFixed(4)} nats (difference ${diff.mean.toFixed(4)} ± ${diff.se.toFixed(4)} SE, per example of 2 dims)`);
    expect(Math.abs(diff.mean)).toBeLessThan(zCritical(1e-3) * diff.se + 5e-3);
    tf.dispose(Object.values(r));
  });

  it("fixed variances give a looser bound: 'beta' ≈ +0.11 nats/dim, 'posterior' ≈ +0.57 (Nichol & Dhariwal's motivation for learned variances)", () => {
    const gapPerDim = (logVar: Float64Array) => expectedBound(logVar).reduce((a, v, b) => a + v - nll[b]!, 0) / (2 * B);
    expect(gapPerDim(variances[1]![2])).toBeGreaterThan(0.1);
    expect(gapPerDim(variances[1]![2])).toBeLessThan(0.13);
    expect(gapPerDim(variances[2]![2])).toBeGreaterThan(0.5);
  });

  it('the stratified estimate (50 strata) is unbiased for the exact sum', () => {
    schedule.tensors(); // per-example timesteps gather from the schedule's tensors: upload them first
    const r = expectNoLeaks(() => variationalBound(denoiser, x0, schedule, { variance: 'beta', decoder: 'gaussian', strata: 50, seed: 9 }));
    expect(r.terms.shape).toEqual([B, 50]);
    const ts = r.timesteps.arraySync() as number[][];
    expect(ts.every((row) => row.every((t, k) => t >= k * 20 && t < (k + 1) * 20))).toBe(true);
    const want = expectedBound(variances[1]![2]);
    const diff = meanSd(Array.from(r.nats.dataSync()).map((v, b) => v - want[b]!));
    expect(Math.abs(diff.mean), `mean difference ${diff.mean} (SE ${diff.se})`).toBeLessThan(zCritical(1e-3) * diff.se + 2e-3);
    tf.dispose(Object.values(r));
  });
});

function expectBitsPerDim(nats: tf.Tensor, bits: tf.Tensor): void {
  const n = nats.dataSync();
  const b = bits.dataSync();
  for (let i = 0; i < 5; i++) expect(b[i]).toBeCloseTo(n[i]! / (2 * Math.LN2), 4);
}

describe('variationalBound on 8-bit data (discretized decoder)', () => {
  it('is an upper bound on the entropy of the quantized data, within 0.1 nats/dim of it', () => {
    const s = 0.3;
    const mu = [0, 0];
    const small = linearSchedule(1000);
    const oracle = oracleDenoiser(small, mu, s);
    const data = tf.tidy(() => tf.div(tf.round(tf.mul(tf.clipByValue(tf.mul(tf.randomNormal([512, 2], 0, 1, 'float32', 5), s), -1, 1), 127.5)), 127.5));
    // the data are round(127.5·x)/127.5 (an even grid of 255 steps with 0 on it): the decoder's bins are 2/255 wide, centered on the values
    const r = variationalBound(oracle, data, small, { variance: oracleVariances(small, s), seed: 3 });
    const bpd = meanSd(Array.from(r.bitsPerDim.dataSync()));
    // entropy of the quantized law, per dim, in bits: bins of width 1/127.5 around k/127.5
    let h = 0;
    const Phi = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
    for (let k = -127; k <= 127; k++) {
      const lo = k === -127 ? -Infinity : (k - 0.5) / 127.5;
      const hi = k === 127 ? Infinity : (k + 0.5) / 127.5;
      const p = Phi(hi / s) - Phi(lo / s);
      if (p > 0) h -= p * Math.log2(p);
    }
    console.log(`discretized bound: ${bpd.mean.toFixed(3)} ± ${bpd.se.toFixed(3)} bits/dim vs the quantized data's entropy ${h.toFixed(3)} bits/dim`);
    expect(bpd.mean).toBeGreaterThan(h - zCritical(1e-3) * bpd.se);
    expect(bpd.mean).toBeLessThan(h + 0.1 / Math.LN2);
    tf.dispose([data, ...Object.values(r)]);
    small.dispose();
  });
});

/** erf in float64 (Abramowitz–Stegun 7.1.26 is too coarse here: series / continued fraction). */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = ax;
    let term = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc continued fraction
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}

describe('variationalBound: arguments', () => {
  it('names bad options', () => {
    const d = (xt: tf.Tensor) => tf.zerosLike(xt);
    expectThrowsClean(() => variationalBound(d, [[0.5]], schedule, { strata: 0 }), /variationalBound: options\.strata must be an integer ≥ 1 and ≤ 1000, got 0/);
    expectThrowsClean(() => variationalBound(d, [[0.5]], schedule, { variance: [1, 2] }), /variationalBound: options\.variance must be 'posterior', 'beta' or 1000 variances \(one per step\), got 2 values/);
    expectThrowsClean(() => variationalBound(d, [[0.5]], schedule, { decoder: 'bernoulli' as 'gaussian' }), /options\.decoder must be one of 'discretized', 'gaussian', got bernoulli/);
    expectThrowsClean(() => variationalBound(d, [[0.5]], schedule, { variance: 'learned' as 'beta' }), /options\.variance must be 'posterior', 'beta' or an array of 1000 variances, got learned/);
  });
});
