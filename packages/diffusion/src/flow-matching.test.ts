// flowMatchingLoss and otPairing. Oracles: the exact velocity of Gaussian data (test/flow-oracle.ts, float64
// Gaussian conditioning), whose loss is the closed-form minimum; brute force over all permutations and
// scipy's linear_sum_assignment (test/ot-fixture.py → ot-fixture.json) for the OT pairing.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectNoLeaks, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { diagNormal, gaussianData, minLoss, oracleVelocity, pairingCost, permutations, uniformBox, type GaussianFlow } from '../test/flow-oracle.js';
import { flowMatchingLoss, otPairing } from './index.js';

const Z = zCritical(1e-3);
const DIAG: GaussianFlow = { mu: [1, -0.5], lam: [0.25, 4] };
const FULL: GaussianFlow = { mu: [0.5, 1], lam: [1.8, 0.2], Q: [[Math.SQRT1_2, -Math.SQRT1_2], [Math.SQRT1_2, Math.SQRT1_2]] };
const SIGMA: GaussianFlow = { mu: [1, -0.5], lam: [0.25, 4], sigmaMin: 0.1 };
const SOURCE: GaussianFlow = { mu: [1, -0.5], lam: [0.25, 4], m0: [-1, 0.5], s0: [0.5, 2] };

const lossValue = (f: () => tf.Scalar): number => {
  const l = f();
  const v = l.dataSync()[0]!;
  l.dispose();
  return v;
};

describe('flowMatchingLoss at the exact velocity of Gaussian data', () => {
  const B = 20000;
  const cases: [string, GaussianFlow, ((n: number) => Record<string, unknown>) | undefined][] = [
    ['diagonal', DIAG, undefined],
    ['full covariance', FULL, undefined],
    ['σ_min = 0.1', SIGMA, undefined],
    ['a non-standard source N(m₀, s₀²)', SOURCE, () => ({ source: diagNormal(SOURCE.m0!, SOURCE.s0!) })],
  ];
  describe.each(cases)('%s', (_name, g, extra) => {
    it.each([0.05, 0.3, 0.5, 0.8, 0.97])('at t = %s equals the closed-form minimum within Monte Carlo error', (t) => {
      const x1 = gaussianData(g, B, 11);
      const opts = { t, seed: 5, sigmaMin: g.sigmaMin ?? 0, ...(extra?.(B) ?? {}) };
      const value = lossValue(() => flowMatchingLoss(oracleVelocity(g), x1, opts));
      x1.dispose();
      const { mean, perExampleVar } = minLoss(g, t);
      const se = Math.sqrt(perExampleVar / B);
      expect(Math.abs(value - mean), `loss ${value} vs minimum ${mean} (se ${se})`).toBeLessThan(Z * se);
    });
  });

  it('averaged over uniform t equals ∫₀¹ of the minimum (Simpson quadrature)', () => {
    for (const g of [DIAG, FULL]) {
      // ∫₀¹ m(t) dt and ∫₀¹ E[ℓ²|t] dt by composite Simpson on 2000 intervals
      const n = 2000;
      let first = 0;
      let second = 0;
      for (let i = 0; i <= n; i++) {
        const w = (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) / (3 * n);
        const { mean, perExampleVar } = minLoss(g, i / n);
        first += w * mean;
        second += w * (perExampleVar + mean * mean);
      }
      const se = Math.sqrt((second - first * first) / B);
      const x1 = gaussianData(g, B, 12);
      const value = lossValue(() => flowMatchingLoss(oracleVelocity(g), x1, { seed: 'uniform-t' }));
      x1.dispose();
      expect(Math.abs(value - first), `loss ${value} vs ∫ minimum ${first} (se ${se})`).toBeLessThan(Z * se);
    }
  });

  it('a wrong velocity scores above the minimum (the check can fail)', () => {
    const x1 = gaussianData(DIAG, B, 13);
    const good = lossValue(() => flowMatchingLoss(oracleVelocity(DIAG), x1, { t: 0.5, seed: 1 }));
    const bad = lossValue(() => flowMatchingLoss(oracleVelocity({ ...DIAG, mu: [1.2, -0.5] }), x1, { t: 0.5, seed: 1 }));
    x1.dispose();
    // E(v − u)² = min + (Δv)²/d with Δv = (1 − t·c)·0.2 at t = 0.5 in the first coordinate
    const c = (0.5 * 0.25 - 0.5) / (0.25 + 0.25 * 0.25);
    expect(bad - good).toBeCloseTo((((1 - 0.5 * c) * 0.2) ** 2) / 2, 2);
  });
});

describe('the times', () => {
  const capture = (opts: Record<string, unknown>, n = 4000): Float32Array => {
    let seen: Float32Array = new Float32Array();
    const x1 = tf.zeros([n, 1]);
    lossValue(() =>
      flowMatchingLoss(
        (x, t) => {
          seen = Float32Array.from(t.dataSync());
          expect(t.shape).toEqual([n]);
          return tf.zerosLike(x);
        },
        x1,
        opts,
      ),
    );
    x1.dispose();
    return seen;
  };
  const meanVar = (v: ArrayLike<number>) => {
    const a = Array.from(v);
    const m = a.reduce((s, x) => s + x, 0) / a.length;
    return { m, v: a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1), n: a.length };
  };

  it('are U(0, 1) by default: mean 1/2, variance 1/12', () => {
    const { m, v, n } = meanVar(capture({ seed: 3 }));
    expect(Math.abs(m - 0.5)).toBeLessThan(Z * Math.sqrt(1 / 12 / n));
    // Var of the sample variance of U(0,1): (μ₄ − σ⁴)/n with μ₄ = 1/80
    expect(Math.abs(v - 1 / 12)).toBeLessThan(Z * Math.sqrt((1 / 80 - 1 / 144) / n));
  });

  it.each([[0, 1], [0.5, 0.6], [-1, 2]])('are logit-normal(m = %s, s = %s): logit(t) has mean m and variance s²', (mean, std) => {
    const t = capture({ seed: 4, logitNormal: { mean, std } });
    const { m, v, n } = meanVar(Array.from(t, (x) => Math.log(x / (1 - x))));
    expect(Math.abs(m - mean)).toBeLessThan(Z * std * Math.sqrt(1 / n) + 1e-4);
    expect(Math.abs(v - std * std)).toBeLessThan(Z * std * std * Math.sqrt(2 / (n - 1)) + 1e-3);
  });

  it('takes a number, an array or a tensor', () => {
    expect(Array.from(capture({ t: 0.25 }, 3))).toEqual([0.25, 0.25, 0.25]);
    expect(Array.from(capture({ t: [0, 0.5, 1] }, 3))).toEqual([0, 0.5, 1]);
    const tt = tf.tensor1d([0.1, 0.2, 0.3]);
    Array.from(capture({ t: tt }, 3)).forEach((v, i) => expect(v).toBeCloseTo([0.1, 0.2, 0.3][i]!, 6));
    tt.dispose();
  });

  it('builds x_t = (1 − (1 − σ_min)t)·x₀ + t·x₁ and the target x₁ − (1 − σ_min)·x₀', () => {
    // one example, one dimension, v = 0: the loss is u² and the velocity sees x_t (hand-computed numbers)
    let xt = NaN;
    const value = lossValue(() =>
      flowMatchingLoss(
        (x) => {
          xt = x.dataSync()[0]!;
          return tf.zerosLike(x);
        },
        [[3]],
        { x0: [[-1]], t: 0.25, sigmaMin: 0.2 },
      ),
    );
    expect(xt).toBeCloseTo(0.8 * -1 + 0.25 * 3, 6); // 1 − 0.8·0.25 = 0.8
    expect(value).toBeCloseTo((3 + 0.8) ** 2, 5);
  });
});

describe('otPairing', () => {
  it.each([1, 2, 3, 4, 5, 6, 7])('is the optimal permutation by brute force at B = %s', (n) => {
    expect(new Set([...permutations(n)].map(String)).size).toBe([1, 2, 6, 24, 120, 720, 5040][n - 1]); // all n! of them
    for (const seed of [1, 2, 3]) {
      const x0 = tf.randomNormal([n, 3], 0, 1, 'float32', seed * 10 + n);
      const x1 = tf.randomNormal([n, 3], 1, 2, 'float32', seed * 100 + n);
      const a = x0.arraySync() as number[][];
      const b = x1.arraySync() as number[][];
      const pi = expectNoLeaks(() => otPairing(x0, x1));
      tf.dispose([x0, x1]);
      let best = Infinity;
      let bestPerm: number[] = [];
      for (const p of permutations(n)) {
        const c = pairingCost(a, b, p);
        if (c < best) [best, bestPerm] = [c, p];
      }
      expect(Array.from(pi)).toEqual(bestPerm);
      expect(pairingCost(a, b, pi)).toBeCloseTo(best, 10);
    }
  });

  const fixture = JSON.parse(readFileSync(new URL('../test/ot-fixture.json', import.meta.url), 'utf8')) as { x0: number[][]; x1: number[][]; permutation: number[]; cost: number; identityCost: number };

  it("matches scipy's linear_sum_assignment at B = 64 (test/ot-fixture.py)", () => {
    const pi = otPairing(fixture.x0, fixture.x1);
    expect(pairingCost(fixture.x0, fixture.x1, pi)).toBeCloseTo(fixture.cost, 9);
    expect(Array.from(pi)).toEqual(fixture.permutation);
  });

  it('flowMatchingLoss with otCoupling pairs x₀[π(i)] with x₁[i]: at v = 0 the loss is the OT cost/(B·d)', () => {
    const B = fixture.x0.length;
    const d = fixture.x0[0]!.length;
    const zero = (x: tf.Tensor) => tf.zerosLike(x);
    const ot = lossValue(() => flowMatchingLoss(zero, fixture.x1, { x0: fixture.x0, otCoupling: true, seed: 1 }));
    const independent = lossValue(() => flowMatchingLoss(zero, fixture.x1, { x0: fixture.x0, seed: 1 }));
    expect(ot).toBeCloseTo(fixture.cost / (B * d), 4);
    expect(independent).toBeCloseTo(fixture.identityCost / (B * d), 4);
    expect(ot).toBeLessThan(independent);
  });

  it('with OT coupling the pairs follow the straight monotone map: the loss at its velocity is far below the independent minimum', () => {
    // Between N(0, I) and N(μ, diag(s²)) the OT map is x₁ = μ + s·x₀, whose straight paths have the
    // velocity v(x, t) = μ + (s − 1)(x − tμ)/(1 − t + t·s). Minibatch OT pairs approach that map, so the
    // loss at this v nearly vanishes, while no velocity gets below the closed-form minimum without OT.
    const s = DIAG.lam.map(Math.sqrt);
    const straight = (x: tf.Tensor, t: tf.Tensor) =>
      tf.tidy(() => {
        const tc = tf.expandDims(t, 1);
        const mu = tf.tensor1d(DIAG.mu);
        const denom = tf.add(tf.sub(1, tc), tf.mul(tc, tf.tensor1d(s)));
        return tf.add(mu, tf.div(tf.mul(tf.tensor1d(s.map((v) => v - 1)), tf.sub(x, tf.mul(tc, mu))), denom));
      });
    const x1 = gaussianData(DIAG, 512, 21);
    for (const t of [0.3, 0.7]) {
      const ot = lossValue(() => flowMatchingLoss(straight, x1, { seed: 2, otCoupling: true, t }));
      const independent = lossValue(() => flowMatchingLoss(straight, x1, { seed: 2, t }));
      const floor = minLoss(DIAG, t).mean;
      expect(independent).toBeGreaterThan(floor * 0.8);
      expect(ot, `t = ${t}: OT ${ot}, independent ${independent}, independent minimum ${floor}`).toBeLessThan(0.2 * floor);
    }
    x1.dispose();
  });

  it('leaks nothing and refuses bad input', () => {
    expectNoLeaks(() => otPairing([[0], [1]], [[1], [0]]));
    expectThrowsClean(() => otPairing([[0], [1]], [[1], [0], [2]]), /otPairing: x1 must be of x0's shape \[2, 1\]/);
    expectThrowsClean(() => otPairing([[0], [NaN]], [[1], [0]]), /otPairing: x0 must be finite/);
    expectThrowsClean(() => otPairing(3 as never, 3 as never), /otPairing: x0 must be a tensor of rank ≥ 1/);
  });
});

describe('the source', () => {
  it('draws x₀ from any distribution of the contract (a uniform box)', () => {
    let x0: number[][] = [];
    const x1 = tf.zeros([2000, 2]);
    lossValue(() =>
      flowMatchingLoss(
        (x) => {
          x0 = x.arraySync() as number[][];
          return tf.zerosLike(x);
        },
        x1,
        { t: 0, seed: 9, source: uniformBox(2, 2, 3) },
      ),
    );
    x1.dispose();
    const flat = x0.flat();
    expect(Math.min(...flat)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...flat)).toBeLessThanOrEqual(3);
    const mean = flat.reduce((a, b) => a + b, 0) / flat.length;
    expect(Math.abs(mean - 2.5)).toBeLessThan(Z * Math.sqrt(1 / 12 / flat.length));
  });

  it('refuses a source whose draws do not have x₁’s shape, or that is no distribution', () => {
    const x1 = [[1, 2, 3]];
    expectThrowsClean(() => flowMatchingLoss((x) => x, x1, { source: uniformBox(2, 0, 1) }), /flowMatchingLoss: options\.source must be a distribution whose sample\(\[1\]\) has x1's shape \[1, 3\].*got a Uniform distribution with batchShape \[2\]/);
    expectThrowsClean(() => flowMatchingLoss((x) => x, x1, { source: {} as never }), /flowMatchingLoss: options\.source must be a distribution .*missing family/);
    const lying = { ...uniformBox(3, 0, 1), sample: () => tf.zeros([1, 2]) };
    expectThrowsClean(() => flowMatchingLoss((x) => x, x1, { source: lying }), /options\.source must be a distribution whose sample\(\[1\]\) is a float32 tensor of shape \[1, 3\]/);
  });
});

describe('gradients, seeds, leaks, errors', () => {
  it('the gradient with respect to a linear velocity’s weights matches finite differences', () => {
    const x1 = gaussianData(FULL, 32, 31);
    const w0 = tf.tensor2d([[0.3, -0.2], [0.1, 0.5], [0.4, 0.2]]);
    for (const opts of [{ seed: 1 }, { seed: 2, otCoupling: true, logitNormal: {} }, { seed: 3, sigmaMin: 0.1, source: uniformBox(2, -1, 1) }]) {
      checkGradient((w) => flowMatchingLoss((x, t) => tf.matMul(tf.concat([x, tf.expandDims(t, 1)], 1), w), x1, opts), w0, { eps: 1e-2, rtol: 2e-3, atol: 1e-4 });
    }
    tf.dispose([x1, w0]);
  });

  it('trains through optimizer.minimize and the seed fixes the draws (0 included)', () => {
    const x1 = gaussianData(DIAG, 64, 41);
    const w = tf.variable(tf.zeros([3, 2]));
    const velocity = (x: tf.Tensor, t: tf.Tensor) => tf.matMul(tf.concat([x, tf.expandDims(t, 1)], 1), w);
    const at = (seed: number | string) => lossValue(() => flowMatchingLoss(velocity, x1, { seed }));
    expect(at(0)).toBe(at(0));
    expect(at(0)).not.toBe(at(1));
    expect(at('a')).not.toBe(at(0));
    const optimizer = tf.train.sgd(0.05);
    const first = at(7);
    for (let i = 0; i < 20; i++) optimizer.minimize(() => flowMatchingLoss(velocity, x1, { seed: 7 }), false, [w]);
    expect(at(7)).toBeLessThan(first);
    optimizer.dispose();
    tf.dispose([x1, w]);
  });

  it('leaks nothing', () => {
    const x1 = gaussianData(DIAG, 16, 51);
    const v = oracleVelocity(DIAG);
    expectNoLeaks(() => flowMatchingLoss(v, x1, { seed: 1 })).dispose();
    expectNoLeaks(() => flowMatchingLoss(v, x1, { seed: 1, otCoupling: true, logitNormal: { mean: 0.5 }, sigmaMin: 1e-3 })).dispose();
    expectNoLeaks(() => flowMatchingLoss(v, x1, { source: diagNormal([0, 0], [1, 2]), t: [...Array(16).keys()].map((i) => i / 15) })).dispose();
    const rows = x1.arraySync() as number[][];
    expectNoLeaks(() => flowMatchingLoss(v, rows, { x0: rows.map((r) => r.map(() => 0)) })).dispose();
    x1.dispose();
  });

  it('refuses bad input before allocating', () => {
    const v = (x: tf.Tensor) => tf.zerosLike(x);
    const x1 = [[0, 1], [2, 3]];
    expectThrowsClean(() => flowMatchingLoss(3 as never, x1), /flowMatchingLoss: velocity must be a function \(x, t\) => Tensor, got 3/);
    expectThrowsClean(() => flowMatchingLoss(v, 3), /flowMatchingLoss: x1 must be a tensor of rank ≥ 1/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { sed: 1 } as never), /unknown option 'sed' \(did you mean 'seed'\?\)/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { t: 1.5 }), /flowMatchingLoss: options\.t must be a finite number ≥ 0 and ≤ 1, got 1\.5/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { t: [0.5] }), /flowMatchingLoss: options\.t must be a number or 2 values \(one per example\), got 1 values/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { t: [0.5, -1] }), /flowMatchingLoss: options\.t\[1\] must be a number in \[0, 1\], got -1/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { sigmaMin: 1 }), /flowMatchingLoss: options\.sigmaMin must be a finite number ≥ 0 and < 1, got 1/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { logitNormal: { std: 0 } }), /options\.logitNormal\.std must be a finite number > 0, got 0/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { logitNormal: { mu: 0 } as never }), /unknown key of options\.logitNormal 'mu'/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { logitNormal: {}, t: 0.5 }), /options\.logitNormal must be absent when options\.t is given/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { x0: [[0, 1]] }), /flowMatchingLoss: options\.x0 must be of x1's shape \[2, 2\], got shape \[1, 2\]/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { x0: x1, source: uniformBox(2, 0, 1) }), /options\.source must be absent when options\.x0 is given/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { otCoupling: 1 as never }), /options\.otCoupling must be a boolean, got 1/);
    expectThrowsClean(() => flowMatchingLoss(v, x1, { seed: NaN }), /options\.seed must be a finite number or a string, got NaN/);
    expectThrowsClean(() => flowMatchingLoss(() => tf.zeros([2, 3]), x1), /flowMatchingLoss: the velocity output must be a float32 tensor of the input's shape \[2, 2\], got a float32 tensor of shape \[2, 3\]/);
  });
});
