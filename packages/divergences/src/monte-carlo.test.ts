import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { jsDivergenceMonteCarlo, monteCarloKl } from './monte-carlo.js';
import { klNormalNormal } from './normal.js';
import { bernoulli, normal, onSupport } from '../test/distributions.js';

const SEEDS = [1, 2, 3, 4, 5];

/** JS(N(a, s²), N(b, t²)) by trapezoid quadrature in float64. */
function jsQuadrature(a: number, s: number, b: number, t: number): number {
  const pdf = (x: number, m: number, sd: number) => Math.exp(-0.5 * ((x - m) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
  let total = 0;
  const h = 1e-3;
  for (let x = -30; x <= 30; x += h) {
    const p = pdf(x, a, s);
    const q = pdf(x, b, t);
    const m = (p + q) / 2;
    if (p > 0) total += 0.5 * p * Math.log(p / m) * h;
    if (q > 0) total += 0.5 * q * Math.log(q / m) * h;
  }
  return total;
}

describe('monteCarloKl', () => {
  it('converges to the analytic KL within 4 standard errors, at 5 seeds, in the right direction', () => {
    const q = normal(0.3, 1.2);
    const p = normal(-0.5, 0.8);
    const exact = tf.tidy(() => klNormalNormal({ loc: 0.3, scale: 1.2 }, { loc: -0.5, scale: 0.8 }).dataSync()[0]!);
    const reverse = tf.tidy(() => klNormalNormal({ loc: -0.5, scale: 0.8 }, { loc: 0.3, scale: 1.2 }).dataSync()[0]!);
    for (const seed of SEEDS) {
      const { estimate, standardError } = expectNoLeaks(() => monteCarloKl(q, p, { samples: 20000, seed }));
      const [e, se] = [estimate.dataSync()[0]!, standardError!.dataSync()[0]!];
      expect(Math.abs(e - exact), `seed ${seed}: ${e} ± ${se} vs ${exact}`).toBeLessThan(4 * se);
      expect(Math.abs(e - reverse), 'not the reverse KL').toBeGreaterThan(10 * se);
      expect(se).toBeGreaterThan(0);
      tf.dispose([estimate, standardError!]);
    }
  });

  it('is batched over the laws’ batch shape', () => {
    const loc = tf.tensor1d([0, 1, 2]);
    const { estimate, standardError } = monteCarloKl(normal(loc, 1), normal(0, 1), { samples: 20000, seed: 9 });
    expect(estimate.shape).toEqual([3]);
    const e = estimate.dataSync();
    const se = standardError!.dataSync();
    [0, 0.5, 2].forEach((k, i) => expect(Math.abs(e[i]! - k)).toBeLessThanOrEqual(4 * se[i]! + 1e-6));
    tf.dispose([loc, estimate, standardError!]);
  });

  it('is differentiable through rsample: d/dμ_q matches (μ_q − μ_p)/σ_p² within Monte Carlo error', () => {
    const mu = tf.scalar(0.7);
    const g = tf.grad((m: tf.Tensor) => monteCarloKl(normal(m, 0.5), normal(0, 1.5), { samples: 20000, seed: 4 }).estimate)(mu);
    // the pathwise gradient is (μ_q + σ_q·mean ε − μ_p)/σ_p²: error σ_q/(σ_p²·√S)
    expect(Math.abs(g.dataSync()[0]! - 0.7 / 2.25)).toBeLessThan((4 * 0.5) / (2.25 * Math.sqrt(20000)));
    tf.dispose([mu, g]);
  });

  it('samples: 1 gives the single-sample KL a VAE trains with, without a standard error', () => {
    const [a, b] = [normal(0, 1), normal(1, 1)];
    const { estimate, standardError } = expectNoLeaks(() => monteCarloKl(a, b, { samples: 1, seed: 0 }));
    expect(estimate.shape).toEqual([]);
    expect(standardError).toBeUndefined();
    expect(Number.isFinite(estimate.dataSync()[0]!)).toBe(true);
    estimate.dispose();
  });

  it('reparameterize: false draws with sample (no pathwise gradient), the default with rsample', () => {
    const mu = tf.scalar(0.7);
    const f = (reparameterize: boolean) => tf.grad((m: tf.Tensor) => monteCarloKl(normal(m, 1), normal(0, 1), { samples: 2000, seed: 'g', reparameterize }).estimate)(mu);
    // with fixed draws, d/dμ_q [log q(x) − log p(x)] = mean(x − μ_q) ≈ 0; pathwise it is μ_q − μ_p = 0.7
    const [fixed, pathwise] = [f(false), f(true)];
    expect(Math.abs(fixed.dataSync()[0]!)).toBeLessThan(0.15);
    expect(Math.abs(pathwise.dataSync()[0]! - 0.7)).toBeLessThan(0.05);
    tf.dispose([mu, fixed, pathwise]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    const n = normal(0, 1);
    expectThrowsClean(() => monteCarloKl({ logProb: n.logProb } as never, n), /monteCarloKl: q must be a distribution \(family, batchShape, eventShape, support, sample, logProb\), got a distribution without a family tag \(missing family\)/);
    expectThrowsClean(() => monteCarloKl(n, {} as never), /monteCarloKl: p must be a distribution .*got a plain object \(missing family\)/);
    expectThrowsClean(() => monteCarloKl(n, n, { samples: 0 }), /monteCarloKl: options.samples must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => monteCarloKl(n, n, { samples: 2.5 }), /monteCarloKl: options.samples must be an integer ≥ 1, got 2.5/);
    expectThrowsClean(() => monteCarloKl(n, n, { seed: NaN }), /monteCarloKl: options.seed must be a finite number or a string, got NaN/);
    expectThrowsClean(() => monteCarloKl(n, n, { reparameterize: 1 as never }), /monteCarloKl: options.reparameterize must be a boolean, got 1/);
  });

  it('refuses laws on incompatible supports or with different event shapes', () => {
    expectThrowsClean(
      () => monteCarloKl(onSupport('simplex'), onSupport('log-simplex')),
      /monteCarloKl: q and p must be laws whose supports nest \(q's within p's\), got q on 'simplex' \(RelaxedOneHotCategorical\) and p on 'log-simplex' \(ExpRelaxedCategorical\)/,
    );
    const [n, simplex, coin] = [normal(0, 1), onSupport('simplex'), bernoulli({ probs: [0.5] })];
    expectThrowsClean(() => monteCarloKl(n, simplex), /monteCarloKl: q and p must be laws with the same event shape \(eventShape\), got shape \[\] and shape \[3\]/);
    expectThrowsClean(() => jsDivergenceMonteCarlo(onSupport('simplex'), onSupport('log-simplex')), /jsDivergenceMonteCarlo: p and q must be laws on the same support, got p on 'simplex'/);
    // a law on a subset of q's support is fine: KL(Bernoulli ‖ Normal) is finite in this direction only
    expectThrowsClean(() => monteCarloKl(n, coin), /supports nest/);
  });
});

describe('jsDivergenceMonteCarlo', () => {
  it('converges to the quadrature value within 4 standard errors (nats and bits), at 5 seeds', () => {
    const exact = jsQuadrature(0, 1, 1.5, 0.7);
    for (const seed of SEEDS) {
      const [a, b] = [normal(0, 1), normal(1.5, 0.7)];
      const { estimate, standardError } = expectNoLeaks(() => jsDivergenceMonteCarlo(a, b, { samples: 20000, seed }));
      const [e, se] = [estimate.dataSync()[0]!, standardError!.dataSync()[0]!];
      expect(Math.abs(e - exact), `seed ${seed}: ${e} ± ${se} vs ${exact}`).toBeLessThan(4 * se);
      const bits = jsDivergenceMonteCarlo(normal(0, 1), normal(1.5, 0.7), { samples: 20000, seed, base: 2 });
      expectClose(bits.estimate, e / Math.LN2, { rtol: 1e-5, atol: 1e-7 });
      tf.dispose([estimate, standardError!, bits.estimate, bits.standardError!]);
    }
  });

  it('is 0 for equal laws and log 2 for far-apart ones', () => {
    const same = jsDivergenceMonteCarlo(normal(0, 1), normal(0, 1), { seed: 1 });
    expectClose(same.estimate, 0, { atol: 1e-6, rtol: 0 });
    const far = jsDivergenceMonteCarlo(normal(-50, 1), normal(50, 1), { seed: 1 });
    // every term is log 2 exactly; the mean of 1000 of them carries float32 summation error (wasm sums
    // sequentially in float32: up to ~n·ε relative), hence 1e-5 relative rather than 1e-6
    expectClose(far.estimate, Math.LN2, { atol: 0, rtol: 1e-5 });
    tf.dispose([same.estimate, same.standardError!, far.estimate, far.standardError!]);
  });

  it('names mistakes', () => {
    const n = normal(0, 1);
    expectThrowsClean(() => jsDivergenceMonteCarlo(n, 3 as never), /jsDivergenceMonteCarlo: q must be a distribution/);
    expectThrowsClean(() => jsDivergenceMonteCarlo(n, n, { base: -2 }), /jsDivergenceMonteCarlo: options.base must be a finite number > 0 and ≠ 1/);
  });
});

describe('standard errors at zero spread (issue 14, the differential suite)', () => {
  // N(loc, 1) whose draws are loc + eps for fixed eps: the estimators become deterministic and differentiable
  const fixed = (loc: tf.Tensor, eps: tf.Tensor) => {
    const draws = () => tf.add(loc, eps);
    return {
      family: 'FixedDrawNormal', batchShape: [], eventShape: [], support: 'real' as const, sample: draws, rsample: draws,
      logProb: (x: tf.Tensor) => tf.sub(tf.mul(tf.square(tf.sub(x, loc)), -0.5), 0.5 * Math.log(2 * Math.PI)),
    };
  };
  const eps = tf.tensor1d([0.3, -1.2, 0.8, 2.1]);

  it('monteCarloKl: identical laws give standardError 0 with gradient 0, not NaN (tf.sqrt at 0)', () => {
    const g = tf.grad((loc: tf.Tensor) => monteCarloKl(fixed(loc, eps), fixed(loc, eps), { samples: 4 }).standardError!)(tf.scalar(0.5));
    expect(Array.from(g.dataSync()).map(Math.abs)).toEqual([0]);
  });

  it('jsDivergenceMonteCarlo: laws 100 sd apart (every term log 2) give a standardError gradient 0, not NaN', () => {
    const g = tf.grad((loc: tf.Tensor) => jsDivergenceMonteCarlo(fixed(loc, eps), fixed(tf.scalar(100), eps), { samples: 4 }).standardError!)(tf.scalar(0));
    expect(Array.from(g.dataSync()).map(Math.abs)).toEqual([0]);
  });
});
