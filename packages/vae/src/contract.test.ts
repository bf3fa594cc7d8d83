// Every prior the package builds implements the shared distribution contract, and the contract is what
// elbo takes: reparam's independent Normal as an encoder's posterior, standardNormalPrior as the prior.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { isDistribution } from '@genmod-internal/core';
import { Normal, independent } from '@genmod/reparam';
import { aggregatePosterior, autoregressivePrior, bernoulliLogLikelihood, elbo, flowPrior, standardNormalPrior, type Distribution, type PriorBijector } from './index.js';

const shiftBy = (shift: tf.Tensor): PriorBijector => ({
  forward: (u) => ({ y: tf.add(u, shift), logDet: tf.zeros(u.shape.slice(0, -1)) }),
  inverse: (z) => ({ x: tf.sub(z, shift), logDet: tf.zeros(z.shape.slice(0, -1)) }),
});

/** [family, the prior, its event shape, its support, the parameter its samples must not differentiate in] */
const cases: [string, () => { prior: Distribution; param?: tf.Tensor }, number[], string][] = [
  ['StandardNormal', () => ({ prior: standardNormalPrior([3]) }), [3], 'real'],
  [
    'FlowPrior',
    () => {
      const shift = tf.tensor1d([1, -1, 2]);
      return { prior: flowPrior(shiftBy(shift), standardNormalPrior([3])), param: shift };
    },
    [3],
    'real',
  ],
  [
    'AggregatePosterior',
    () => {
      const loc = tf.tensor2d([[0, 1, 2], [3, 4, 5]]);
      return { prior: aggregatePosterior(loc, tf.zeros([2, 3])), param: loc };
    },
    [3],
    'real',
  ],
  ['AutoregressivePrior', () => ({ prior: autoregressivePrior((c) => tf.zerosLike(c), { length: 2, classes: 3 }) }), [2, 3], 'one-hot'],
];

describe('the priors implement the shared distribution contract', () => {
  it.each(cases)('%s', (family, make, eventShape, support) => {
    tf.tidy(() => {
      const { prior, param } = make();
      expect(isDistribution(prior)).toBe(true);
      expect(prior.family).toBe(family);
      expect(prior.batchShape).toEqual([]);
      expect(prior.eventShape).toEqual(eventShape);
      expect(prior.support).toBe(support);
      const s = prior.sample([4, 2], { seed: 0 });
      expect(s.shape).toEqual([4, 2, ...eventShape]);
      expect(prior.logProb(s).shape).toEqual([4, 2]);
      if (param) {
        // sample never carries gradients: d/dθ Σ sample = 0
        const g = tf.grad((p: tf.Tensor) => tf.sum(family === 'FlowPrior' ? flowPrior(shiftBy(p), standardNormalPrior([3])).sample([5], { seed: 1 }) : aggregatePosterior(p, tf.zeros([2, 3])).sample([5], { seed: 1 })))(param);
        expectClose(g, tf.zerosLike(param), { atol: 0 });
      }
      prior.dispose?.();
    });
  });

  it('flowPrior has rsample over a reparameterized base: the same draws as sample, with gradients', () => {
    tf.tidy(() => {
      const prior = flowPrior(shiftBy(tf.tensor1d([1, -1, 2])), standardNormalPrior([3]));
      expectClose(prior.rsample!([4], { seed: 'r' }), prior.sample([4], { seed: 'r' }), { atol: 0 });
      const g = tf.grad((s: tf.Tensor) => tf.sum(flowPrior(shiftBy(s), standardNormalPrior([3])).rsample!([4], { seed: 0 })))(tf.zeros([3]));
      expectClose(g, [4, 4, 4]); // d/dt Σ_{4 draws} (u + t) = 4 per coordinate
      const noRsample = { family: 'Plain', batchShape: [], eventShape: [3], support: 'real' as const, sample: () => tf.zeros([3]), logProb: () => tf.zeros([]) };
      expect(flowPrior(shiftBy(tf.zeros([3])), noRsample).rsample).toBeUndefined();
    });
  });

  it('standardNormalPrior: closed-form moments, rsample = sample, nothing owned', () => {
    const prior = standardNormalPrior([2, 3]);
    expectNoLeaks(() => [prior.mean(), prior.variance(), prior.entropy()]);
    tf.tidy(() => {
      expectClose(prior.mean(), tf.zeros([2, 3]));
      expectClose(prior.variance(), tf.ones([2, 3]));
      expectClose(prior.entropy(), 6 * 0.5 * Math.log(2 * Math.PI * Math.E), { rtol: 1e-6 });
      expectClose(prior.rsample([3], { seed: 'z' }), prior.sample([3], { seed: 'z' }), { atol: 0 });
    });
  });

  it('aggregatePosterior: closed-form mean and variance; dispose frees what it made from arrays', () => {
    const before = tf.memory().numTensors;
    const prior = aggregatePosterior([[0, 2], [2, 4]], [[0, 0], [Math.log(4), 0]]);
    tf.tidy(() => {
      expectClose(prior.mean(), [1, 3], { rtol: 1e-6 });
      // (1/n)·Σ(σ² + μ²) − mean²: [(1 + 0 + 4 + 4)/2 − 1, (1 + 4 + 1 + 16)/2 − 9]
      expectClose(prior.variance(), [3.5, 2], { rtol: 1e-5 });
      const s = prior.sample([20000], { seed: 3 });
      expectClose(tf.mean(s, 0), [1, 3], { atol: 0.05 });
    });
    prior.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('elbo takes the contract', () => {
  const x = [[1, 0, 1], [0, 1, 1]];
  const loc = () => tf.tensor2d([[0.3, -0.2], [1, 0.5]]);
  const logVar = () => tf.tensor2d([[-1, 0], [0.5, -0.3]]);
  const decode = (z: tf.Tensor) => tf.concat([z, tf.sum(z, 1, true)], 1);
  const base = { x, decode, likelihood: bernoulliLogLikelihood, seed: 0, samples: 3 };

  it("an encoder returning reparam's independent Normal draws what { loc, logVar } draws, seed for seed", () => {
    tf.tidy(() => {
      const heads = elbo({ ...base, encode: () => ({ loc: loc(), logVar: logVar() }), analyticKl: false });
      const law = elbo({ ...base, encode: () => independent(Normal.fromLogVariance(loc(), logVar()), 1) });
      expectClose(law.elbo, heads.elbo, { rtol: 1e-6, atol: 1e-6 });
    });
  });

  it('standardNormalPrior over the latent shape gets the analytic KL; another shape is refused by its logProb', () => {
    tf.tidy(() => {
      const encode = () => ({ loc: loc(), logVar: logVar() });
      const none = elbo({ ...base, encode });
      const standard = elbo({ ...base, encode, prior: standardNormalPrior([2]) });
      expectClose(standard.kl, none.kl, { atol: 0 });
      expectClose(standard.elbo, none.elbo, { atol: 0 });
    });
    expectThrowsClean(
      () => elbo({ ...base, encode: () => ({ loc: loc(), logVar: logVar() }), prior: standardNormalPrior([3]) }),
      /^standardNormalPrior\.logProb: z must be a tensor ending in the event shape \[3\]/,
    );
  });

  it('refuses a prior or a posterior that is not a distribution, naming what is missing', () => {
    const encode = () => ({ loc: loc(), logVar: logVar() });
    expectThrowsClean(() => elbo({ ...base, encode, prior: { logProb: (z: tf.Tensor) => z } as never }), /^elbo: options\.prior must be a distribution .* \(missing family\)$/);
    const half = { family: 'Half', batchShape: [2], eventShape: [2], support: 'real', sample: () => tf.zeros([1]), logProb: () => tf.zeros([1]) };
    expectThrowsClean(() => elbo({ ...base, encode: () => half as never }), /^elbo: encode\(x\) must be a reparameterized distribution \(with rsample\), got a Half distribution without rsample$/);
  });
});
