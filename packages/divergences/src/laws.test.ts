// The analytic functions take plain parameters OR a distribution of the matching family, recognised by its
// `family` tag only: results agree with the plain form, other families are refused by name (at run time and
// in the types).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import * as api from './index.js';
import { bernoulli, categorical, gumbel, independent, mvn, normal, onSupport } from '../test/distributions.js';

const TOL = { rtol: 1e-5, atol: 1e-6 };

describe('Normal laws (family tag, Independent over Normal)', () => {
  const p = normal([0.5, -1], [0.3, 2]);
  const q = normal([0, 1], [1, 0.5]);
  const pp = { loc: [0.5, -1], scale: [0.3, 2] };
  const qq = { loc: [0, 1], scale: [1, 0.5] };

  it('klNormalNormal, crossEntropyNormal, entropyNormal, klStandardNormal agree with plain parameters', () => {
    for (const [a, b] of [
      [api.klNormalNormal(p, q), api.klNormalNormal(pp, qq)],
      [api.klNormalNormal(p, qq), api.klNormalNormal(pp, q)],
      [api.crossEntropyNormal(p, q), api.crossEntropyNormal(pp, qq)],
      [api.entropyNormal(p), api.entropyNormal(pp)],
      [api.klStandardNormal(p), api.klNormalNormal(pp, { loc: 0, scale: 1 })],
      [api.klStandardNormal(pp), api.klNormalNormal(pp, { loc: 0, scale: 1 })],
    ] as const) {
      expectClose(a, b, TOL);
      tf.dispose([a, b]);
    }
  });

  it('an Independent law sums its reinterpreted axes by default; eventRank may sum more, never fewer', () => {
    const ip = independent(p, 1);
    const a = api.klNormalNormal(ip, q);
    const b = api.klNormalNormal(pp, qq, { eventRank: 1 });
    expect(a.shape).toEqual([]);
    expectClose(a, b, TOL);
    const h = api.entropyNormal(ip);
    const h1 = api.entropyNormal(pp, { eventRank: 1 });
    expectClose(h, h1, TOL);
    tf.dispose([a, b, h, h1]);
    expectThrowsClean(() => api.klNormalNormal(ip, q, { eventRank: 0 }), /klNormalNormal: options.eventRank must be an integer in \[1, 1\] \(the number of trailing axes to sum over, at least the 1 event axes of an Independent law\), got 0/);
  });

  it('refuses other families by name, and untagged distributions', () => {
    const g = gumbel(0, 1);
    expectThrowsClean(() => api.klNormalNormal(g as never, q), /^klNormalNormal: p must be a Normal law \(\{ loc, scale \} or a distribution of family 'Normal'\), got a Gumbel distribution$/);
    expectThrowsClean(() => api.crossEntropyNormal(q, independent(g, 0) as never), /crossEntropyNormal: q must be a Normal law .*got an Independent distribution over a Gumbel distribution/);
    expectThrowsClean(() => api.entropyNormal({ scale: 1, logProb: () => 0 } as never), /entropyNormal: p must be a Normal law .*got a distribution without a family tag/);
    expectThrowsClean(() => api.klStandardNormal(g as never), /klStandardNormal: p must be a Normal law .*got a Gumbel distribution/);
  });
});

describe('MultivariateNormalTriL laws', () => {
  const law = mvn([0, 1], [[1, 0], [0.3, 2]]);
  const plain = { loc: [0, 1], scaleTril: [[1, 0], [0.3, 2]] };
  const other = { loc: [1, 0], covariance: [[2, 0.5], [0.5, 1]] };

  it('reads only loc and scaleTril (its covariance() method is not a parameter)', () => {
    for (const [a, b] of [
      [api.klMultivariateNormal(law, other), api.klMultivariateNormal(plain, other)],
      [api.klMultivariateNormal(other, law), api.klMultivariateNormal(other, plain)],
      [api.entropyMultivariateNormal(law), api.entropyMultivariateNormal(plain)],
      [api.crossEntropyMultivariateNormal(law, law), api.entropyMultivariateNormal(plain)],
    ] as const) {
      expectClose(a, b, TOL);
      tf.dispose([a, b]);
    }
  });

  it('refuses other families', () => {
    const n = normal(0, 1);
    expectThrowsClean(() => api.klMultivariateNormal(n as never, plain), /klMultivariateNormal: p must be a MultivariateNormalTriL law \(.*\), got a Normal distribution/);
  });
});

describe('Categorical and Bernoulli laws', () => {
  const cl = categorical({ logits: [0, 1, 2] });
  const cp = categorical({ probs: [0.2, 0.3, 0.5] });
  const bl = bernoulli({ logits: [0, 2] });
  const bp = bernoulli({ probs: [0.3, 0.9] });

  it('the categorical functions read logits or probs from a law', () => {
    for (const f of [api.klCategorical, api.crossEntropyCategorical, api.jsDivergence, api.jsDistance, api.totalVariation, api.hellinger] as const) {
      const a = f(cl, cp);
      const b = f({ logits: [0, 1, 2] }, { probs: [0.2, 0.3, 0.5] });
      expectClose(a, b, TOL);
      tf.dispose([a, b]);
    }
    const h = api.entropyCategorical(cp);
    const h0 = api.entropyCategorical({ probs: [0.2, 0.3, 0.5] });
    expectClose(h, h0, TOL);
    const u = api.klToUniform(cl);
    const u0 = api.klToUniform([0, 1, 2]);
    const u1 = api.klToUniform({ probs: [0.2, 0.3, 0.5] });
    expectClose(u, u0, TOL);
    expectClose(u1, Math.log(3) - 0.2 * Math.log(1 / 0.2) - 0.3 * Math.log(1 / 0.3) - 0.5 * Math.log(2), TOL);
    tf.dispose([h, h0, u, u0, u1]);
  });

  it('the Bernoulli functions read logits or probs from a law', () => {
    for (const f of [api.klBernoulli, api.crossEntropyBernoulli] as const) {
      const a = f(bl, bp);
      const b = f({ logits: [0, 2] }, { probs: [0.3, 0.9] });
      expectClose(a, b, TOL);
      tf.dispose([a, b]);
    }
    const h = api.entropyBernoulli(bl);
    const h0 = api.entropyBernoulli({ logits: [0, 2] });
    expectClose(h, h0, TOL);
    tf.dispose([h, h0]);
  });

  it('refuses the other discrete family and non-discrete laws by name', () => {
    expectThrowsClean(() => api.klCategorical(bl as never, cp), /klCategorical: p must be a Categorical law \(\{ logits \} or \{ probs \}, or a distribution of family 'Categorical'\), got a Bernoulli distribution/);
    expectThrowsClean(() => api.klBernoulli(bp, cl as never), /klBernoulli: q must be a Bernoulli law .*got a Categorical distribution/);
    expectThrowsClean(() => api.hellinger(cl, onSupport('simplex') as never), /hellinger: q must be a Categorical law .*got a RelaxedOneHotCategorical distribution/);
  });
});

describe('plain parameter objects are strict', () => {
  it('an unknown key of p or q is refused by name, leaving nothing allocated', () => {
    expectThrowsClean(() => api.klNormalNormal({ loc: 0, scale: 1, scael: 2 } as never, { loc: 0, scale: 1 }), /^klNormalNormal: unknown key of p 'scael' \(did you mean 'scale'\?\)$/);
    expectThrowsClean(() => api.klCategorical({ probs: [1] }, { logit: [0] } as never), /^klCategorical: unknown key of q 'logit' \(did you mean 'logits'\?\)$/);
    expectThrowsClean(() => api.entropyMultivariateNormal({ loc: [0], scaleTril: [[1]], covariance_: 1 } as never), /^entropyMultivariateNormal: unknown key of p 'covariance_' \(did you mean 'covariance'\?\)$/);
  });
});

describe('the types', () => {
  it('accept family laws and plain parameters, and refuse other families', () => {
    const g = gumbel(0, 1);
    const q = { loc: 0, scale: 1 };
    const check = () => {
      // @ts-expect-error a Gumbel (family 'Gumbel') has loc and scale but is not a Normal law
      api.klNormalNormal(g, q);
      // @ts-expect-error a Normal law is not a categorical one
      api.klCategorical(normal(0, 1), { probs: [1] });
      // @ts-expect-error a Categorical law is not a Bernoulli one
      api.klBernoulli(categorical({ probs: [1] }), { probs: [1] });
      api.klCategorical(categorical({ probs: [1] }), { logits: [0] });
      api.klBernoulli(bernoulli({ probs: [1] }), { probs: [1] });
      api.klMultivariateNormal(mvn([0], [[1]]), { loc: [0], covariance: [[1]] });
      api.klNormalNormal(independent(normal([0], [1]), 1), q);
    };
    expect(typeof check).toBe('function'); // type-checked by tsc, not run
  });
});
