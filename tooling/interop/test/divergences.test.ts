import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ExpRelaxedOneHotCategorical, Gumbel, RelaxedOneHotCategorical } from '@genmod/gumbel';
import { Bernoulli, Categorical, Logistic, MultivariateNormalTriL, Normal, independent } from '@genmod/reparam';
import {
  entropyNormal, jsDivergenceMonteCarlo, klBernoulli, klCategorical, klMultivariateNormal, klNormalNormal, monteCarloKl,
} from '@genmod/divergences';
import { StandardNormal, TransformedDistribution, shift } from '@genmod/flows';

const one = (t: tf.Tensor) => t.dataSync()[0]!;
const all = (t: tf.Tensor) => Array.from(t.dataSync());
// closed forms in float64, the reference
const klNormal64 = (mp: number, sp: number, mq: number, sq: number) => Math.log(sq / sp) + (sp ** 2 + (mp - mq) ** 2) / (2 * sq ** 2) - 0.5;
const softmax64 = (l: number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const klCat64 = (lp: number[], lq: number[]) => {
  const [p, q] = [softmax64(lp), softmax64(lq)];
  return p.reduce((acc, pi, i) => acc + (pi > 0 ? pi * Math.log(pi / q[i]!) : 0), 0);
};

describe('analytic divergences take reparam distributions', () => {
  it('klNormalNormal(new Normal, new Normal) equals the closed form (also from log-variance heads)', () => {
    const p = new Normal({ loc: [0, 1], scale: [1, 0.5] });
    const q = Normal.fromLogVariance([0.5, -1], [Math.log(4), 0]);
    const kl = klNormalNormal(p, q);
    expect(all(kl)[0]).toBeCloseTo(klNormal64(0, 1, 0.5, 2), 5);
    expect(all(kl)[1]).toBeCloseTo(klNormal64(1, 0.5, -1, 1), 5);
    const h = entropyNormal(p);
    expect(all(h)[1]).toBeCloseTo(0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(0.5), 5);
    tf.dispose([kl, h]);
    p.dispose();
    q.dispose();
  });

  it('klNormalNormal of independent Normals sums over the reinterpreted axis', () => {
    const p = independent(new Normal({ loc: [0, 1], scale: [1, 0.5] }), 1);
    const q = independent(new Normal({ loc: [0.5, -1], scale: [2, 1] }), 1);
    const kl = klNormalNormal(p, q);
    expect(kl.shape).toEqual([]);
    expect(one(kl)).toBeCloseTo(klNormal64(0, 1, 0.5, 2) + klNormal64(1, 0.5, -1, 1), 5);
    kl.dispose();
    p.dispose();
    q.dispose();
  });

  it('klCategorical / klBernoulli take the classes and match the closed form', () => {
    const p = new Categorical({ logits: [0, 1, 2] });
    const q = new Categorical({ probs: [0.2, 0.3, 0.5] });
    const kl = klCategorical(p, q);
    expect(one(kl)).toBeCloseTo(klCat64([0, 1, 2], [0.2, 0.3, 0.5].map(Math.log)), 5);
    const b1 = new Bernoulli({ logits: [0.3] });
    const b2 = new Bernoulli({ probs: [0.9] });
    const klb = klBernoulli(b1, b2);
    const s = 1 / (1 + Math.exp(-0.3));
    expect(one(klb)).toBeCloseTo(s * Math.log(s / 0.9) + (1 - s) * Math.log((1 - s) / 0.1), 5);
    tf.dispose([kl, klb]);
    [p, q, b1, b2].forEach((d) => d.dispose());
  });

  it('klMultivariateNormal takes MultivariateNormalTriL (its covariance() method is not a parameter)', () => {
    const p = new MultivariateNormalTriL({ loc: [0, 0], scaleTril: [[1, 0], [0.5, 1]] });
    const q = new MultivariateNormalTriL({ loc: [1, 0], scaleTril: [[2, 0], [0, 1]] });
    const kl = klMultivariateNormal(p, q);
    // closed form: ½[tr(Σq⁻¹Σp) + (μq−μp)ᵀΣq⁻¹(μq−μp) − d + log(|Σq|/|Σp|)], Σp = [[1, .5], [.5, 1.25]], Σq = diag(4, 1)
    const ref = 0.5 * (1 / 4 + 1.25 + 1 / 4 - 2 + Math.log(4 / 1));
    expect(one(kl)).toBeCloseTo(ref, 5);
    kl.dispose();
    p.dispose();
    q.dispose();
  });

  it('refuses a law of the wrong family, naming it', () => {
    const g = new Gumbel({ loc: 0, scale: 1 });
    const n = new Normal({ loc: 0, scale: 1 });
    const c = new Categorical({ logits: [0, 1] });
    const before = tf.memory().numTensors;
    // @ts-expect-error a Gumbel is not a Normal law, though it has loc and scale
    expect(() => klNormalNormal(g, n)).toThrow(/klNormalNormal: p must be .*Normal.*got a Gumbel distribution/);
    // @ts-expect-error a Categorical is not a Bernoulli law
    expect(() => klBernoulli(c, c)).toThrow(/klBernoulli: p must be .*Bernoulli.*got a Categorical distribution/);
    // @ts-expect-error a Normal is not a multivariate normal
    expect(() => klMultivariateNormal(n, n)).toThrow(/klMultivariateNormal: p must be .*got a Normal distribution/);
    expect(tf.memory().numTensors).toBe(before);
    [g, n, c].forEach((d) => d.dispose());
  });
});

describe('monteCarloKl over laws from any package', () => {
  it('of two reparam Categoricals converges to klCategorical (within 4 standard errors)', () => {
    const p = new Categorical({ logits: [0, 1, 2] });
    const q = new Categorical({ logits: [1, 0, 0.5] });
    const { estimate, standardError } = monteCarloKl(p, q, { samples: 20000, seed: 0 });
    const exact = klCat64([0, 1, 2], [1, 0, 0.5]);
    expect(Math.abs(one(estimate) - exact)).toBeLessThan(4 * one(standardError!));
    expect(one(standardError!)).toBeLessThan(0.01);
    tf.dispose([estimate, standardError!]);
    p.dispose();
    q.dispose();
  });

  it('of reparam Bernoullis runs (no rsample needed)', () => {
    const p = new Bernoulli({ probs: [0.3] });
    const q = new Bernoulli({ probs: [0.6] });
    const { estimate, standardError } = monteCarloKl(p, q, { samples: 20000, seed: 1 });
    const exact = 0.3 * Math.log(0.3 / 0.6) + 0.7 * Math.log(0.7 / 0.4);
    expect(Math.abs(one(estimate) - exact)).toBeLessThan(4 * one(standardError!));
    tf.dispose([estimate, standardError!]);
    p.dispose();
    q.dispose();
  });

  it('of a flow against a Normal matches the closed form (a shifted standard normal)', () => {
    const flow = new TransformedDistribution(new StandardNormal([]), shift([1]));
    const n = new Normal({ loc: 0, scale: 2 });
    const { estimate, standardError } = monteCarloKl(flow, n, { samples: 20000, seed: 'a' });
    expect(Math.abs(one(estimate) - klNormal64(1, 1, 0, 2))).toBeLessThan(4 * one(standardError!));
    tf.dispose([estimate, standardError!]);
    flow.dispose();
    n.dispose();
  });

  it('of a Normal against a Gumbel matches quadrature; jsDivergenceMonteCarlo(Gumbel, Logistic) lies in [0, log 2]', () => {
    const n = new Normal({ loc: 0, scale: 1 });
    const g = new Gumbel({ loc: 0, scale: 1 });
    let ref = 0;
    for (let x = -12; x <= 12; x += 1e-3) {
      const logPhi = -0.5 * x * x - 0.5 * Math.log(2 * Math.PI);
      ref += Math.exp(logPhi) * (logPhi - (-x - Math.exp(-x))) * 1e-3;
    }
    const { estimate, standardError } = monteCarloKl(n, g, { samples: 20000, seed: 2 });
    expect(Math.abs(one(estimate) - ref)).toBeLessThan(4 * one(standardError!));
    const l = new Logistic({ loc: 0, scale: 1 });
    const js = jsDivergenceMonteCarlo(g, l, { samples: 4000, seed: 3 });
    expect(one(js.estimate)).toBeGreaterThan(0);
    expect(one(js.estimate)).toBeLessThan(Math.LN2);
    tf.dispose([estimate, standardError!, js.estimate, js.standardError!]);
    [n, g, l].forEach((d) => d.dispose());
  });

  it('with samples: 1 gives the single-sample estimate a VAE trains with, differentiable, and no standard error', () => {
    const mu = tf.scalar(0.5);
    const g = tf.grad((m: tf.Tensor) => {
      const q = new Normal({ loc: m, scale: 1 });
      const p = new Normal({ loc: 0, scale: 1 });
      const r = monteCarloKl(q, p, { samples: 1, seed: 0 });
      expect(r.standardError).toBeUndefined();
      return r.estimate;
    })(mu);
    expect(Number.isFinite(one(g))).toBe(true);
    expect(one(g)).not.toBe(0);
    tf.dispose([g, mu]);
  });

  it('refuses laws on different supports or event shapes', () => {
    const relaxed = new RelaxedOneHotCategorical({ logits: [0, 1, 2], temperature: 0.5 });
    const exp = new ExpRelaxedOneHotCategorical({ logits: [0, 1, 2], temperature: 0.5 });
    const n2 = independent(new Normal({ loc: [0, 0], scale: [1, 1] }), 1);
    const n3 = independent(new Normal({ loc: [0, 0, 0], scale: [1, 1, 1] }), 1);
    const before = tf.memory().numTensors;
    expect(() => monteCarloKl(relaxed, exp, { seed: 0 })).toThrow(/monteCarloKl: .*support/);
    expect(() => monteCarloKl(n2, n3, { seed: 0 })).toThrow(/monteCarloKl: .*event shape/);
    expect(tf.memory().numTensors).toBe(before);
    [relaxed, exp, n2, n3].forEach((d) => d.dispose());
  });
});
