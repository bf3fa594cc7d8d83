// The flow prior through the structural interface: hand-written bijectors, and @genmod/flows' own
// (a dev dependency only: the package never imports it).
import * as tf from '@tensorflow/tfjs-core';
import { StandardNormal, TransformedDistribution, affineCoupling } from '@genmod/flows';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { klNormalNormal } from '@genmod/divergences';
import { isDistribution } from '@genmod-internal/core';
import { bernoulliLogLikelihood, elbo, flowPrior, iwaeBound, standardNormalPrior, type Prior, type PriorBijector } from './index.js';

/** z = shift + exp(logScale)·u, elementwise over [..., d]: a one-layer affine flow. */
function affine(shift: tf.Tensor, logScale: tf.Tensor): PriorBijector {
  return {
    forward: (u) => ({ y: tf.add(shift, tf.mul(tf.exp(logScale), u)), logDet: tf.mul(tf.onesLike(tf.sum(u, -1)), tf.sum(logScale)) }),
    inverse: (z) => ({ x: tf.div(tf.sub(z, shift), tf.exp(logScale)), logDet: tf.mul(tf.onesLike(tf.sum(z, -1)), tf.neg(tf.sum(logScale))) }),
  };
}

const logNormal = (x: number, m: number, s: number) => -0.5 * (((x - m) / s) ** 2 + Math.log(2 * Math.PI * s * s));

describe('@genmod/flows plugs in without a dependency', () => {
  // a RealNVP coupling with a fixed linear conditioner: y₂ = x₂·exp(s(x₁)) + t(x₁)
  const w = tf.keep(tf.tensor2d([[0.4, 0, 0.7, 0], [0, 0, 0, 0]]));
  const b = tf.keep(tf.tensor1d([0, 0.3, 0, -0.2]));
  const coupling = () => affineCoupling({ mask: [1, 0], conditioner: (x: tf.Tensor) => tf.add(tf.matMul(x, w), b) });

  it('flowPrior over a flows coupling equals flows\' TransformedDistribution, and both work as ELBO priors', () => {
    tf.tidy(() => {
      const bij = coupling();
      const viaVae = flowPrior(bij, standardNormalPrior([2]));
      const viaFlows = new TransformedDistribution(new StandardNormal([2]), bij);
      const z = tf.tensor2d([[0.3, 1], [1, -2], [-1, 4]]);
      expectClose(viaVae.logProb(z), viaFlows.logProb(z), { rtol: 1e-5, atol: 1e-6, label: 'log p(z)' });
      // the change of variables by hand: u = f⁻¹(z), log p = log N(u) + log|det ∂f⁻¹/∂z|
      const { x: u, logDet } = bij.inverse(z);
      const byHand = tf.add(tf.sum(tf.sub(tf.mul(tf.square(u), -0.5), 0.5 * Math.log(2 * Math.PI)), -1), logDet);
      expectClose(viaFlows.logProb(z), byHand, { rtol: 1e-5, atol: 1e-6, label: 'change of variables' });
      const args = {
        x: tf.ones([2, 1]),
        encode: () => ({ loc: tf.tensor2d([[0.5, -0.5], [1, 0]]), logVar: tf.fill([2, 2], -1) }),
        decode: (zz: tf.Tensor) => tf.zeros([zz.shape[0]!, 1]),
        likelihood: bernoulliLogLikelihood,
        samples: 16,
        seed: 4,
      };
      // flows' TransformedDistribution implements the shared contract: it is a prior as it is
      expect(isDistribution(viaFlows)).toBe(true);
      expectClose(elbo({ ...args, prior: viaFlows }).elbo, elbo({ ...args, prior: viaVae }).elbo, { rtol: 1e-5, atol: 1e-5, label: 'ELBO with either prior' });
    });
  });
});

describe('a conditional flow bound to a context is a prior', () => {
  it("flows' condition(context): a prior p(z | c_b) per example, with the Monte Carlo KL on the ELBO's own samples", () => {
    tf.tidy(() => {
      // y₂ = x₂·exp(s) + t with (t, s) from x₁ and the context c: a conditional RealNVP coupling
      const conditioner = Object.assign((xm: tf.Tensor, c?: tf.Tensor) => {
        const h = tf.add(tf.slice(xm, xm.shape.map(() => 0), [...xm.shape.slice(0, -1), 1]), tf.mul(c!, 0.5)); // [..., 1]
        return tf.concat([tf.zerosLike(h), tf.mul(h, 0.7), tf.zerosLike(h), tf.mul(h, 0.2)], -1); // [..., 4]
      }, {});
      const flow = new TransformedDistribution(new StandardNormal([2]), affineCoupling({ mask: [1, 0], conditioner, contextSize: 1 }));
      const context = tf.tensor2d([[1], [-2]]); // one context per example, B = 2
      const prior = flow.condition(context);
      expect(isDistribution(prior)).toBe(true);
      expect(prior.batchShape).toEqual([2]);
      const loc = tf.tensor2d([[0.2, -0.1], [1, 0.5]]);
      const logVar = tf.tensor2d([[-1, 0], [0.3, -0.5]]);
      const noise = tf.randomNormal([1, 2, 2], 0, 1, 'float32', 9);
      const r = elbo({ x: tf.ones([2, 1]), encode: () => ({ loc, logVar }), decode: (z) => tf.zeros([z.shape[0]!, 1]), likelihood: bernoulliLogLikelihood, prior, noise });
      // by hand: z = μ + σ·ε, KL = log q(z|x) − log p(z | c)
      const z = tf.add(loc, tf.mul(tf.exp(tf.mul(logVar, 0.5)), tf.squeeze(noise, [0])));
      const logQ = tf.sum(tf.sub(tf.mul(tf.square(tf.div(tf.sub(z, loc), tf.exp(tf.mul(logVar, 0.5)))), -0.5), tf.add(tf.mul(logVar, 0.5), 0.5 * Math.log(2 * Math.PI))), -1);
      expectClose(r.kl, tf.sub(logQ, flow.logProb(z, { context })), { rtol: 1e-5, atol: 1e-5 });
    });
  });
});

describe('flowPrior', () => {
  it('log p(z) = log p₀(f⁻¹(z)) + log|det ∂f⁻¹/∂z|: the affine flow of N(0, I) is N(shift, diag(scale²))', () => {
    tf.tidy(() => {
      const prior = flowPrior(affine(tf.tensor1d([1, -2]), tf.log(tf.tensor1d([0.5, 3]))), standardNormalPrior([2]));
      const z = [[0.3, 1], [1, -2], [-1, 4]];
      expectClose(prior.logProb(tf.tensor2d(z)), z.map(([a, b]) => logNormal(a!, 1, 0.5) + logNormal(b!, -2, 3)), { rtol: 1e-5 });
      const s = prior.sample([5000], { seed: 1 });
      expect(s.shape).toEqual([5000, 2]);
      expectClose(tf.mean(s, 0), [1, -2], { atol: 0.1 });
      expect(prior.eventShape).toEqual([2]);
    });
  });

  it('in the ELBO, a structural prior gives the Monte Carlo KL, unbiased for the closed form', () => {
    tf.tidy(() => {
      const shift = tf.tensor1d([0.5, -1]);
      const logScale = tf.tensor1d([0.3, -0.4]);
      // any object with sample/logProb: here a shift-and-scale transformed standard normal
      const prior: Prior = flowPrior(affine(shift, logScale), standardNormalPrior([2]));
      const loc = tf.tensor2d([[0, 0], [1, -1]]);
      const logVar = tf.tensor2d([[-1, 0.5], [0, -2]]);
      const S = 20000;
      const args = { x: tf.ones([2, 1]), encode: () => ({ loc, logVar }), decode: (z: tf.Tensor) => tf.zeros([z.shape[0]!, 1]), likelihood: bernoulliLogLikelihood, prior, seed: 2 };
      const r = elbo({ ...args, samples: S });
      const exact = klNormalNormal({ loc, scale: tf.exp(tf.mul(logVar, 0.5)) }, { loc: shift, scale: tf.exp(logScale) }, { eventRank: 1 }).dataSync();
      // the per-sample KL estimates log q − log p = −(log w − log p(x|z)), from the same samples (same seed)
      const perSample = tf.neg(tf.add(iwaeBound({ ...args, k: S }).logWeights, Math.log(2))); // [S, 2]
      expectClose(tf.mean(perSample, 0), r.kl, { rtol: 1e-4 });
      const se = tf.sqrt(tf.div(tf.moments(perSample, 0).variance, S)).dataSync();
      const kl = r.kl.dataSync();
      for (let i = 0; i < 2; i++) expect(Math.abs(kl[i]! - exact[i]!), `example ${i}: ${se[i]} standard error`).toBeLessThan(4 * se[i]!);
    });
  });

  it('trains its parameters through the ELBO loss', () => {
    tf.tidy(() => {
      const shift = tf.zeros([2]);
      const g = tf.grad((s: tf.Tensor) => {
        const prior = flowPrior(affine(s, tf.zeros([2])), standardNormalPrior([2]));
        return elbo({ x: tf.ones([1, 1]), encode: () => ({ loc: tf.tensor2d([[3, -3]]), logVar: tf.fill([1, 2], -4) }), decode: (z) => tf.zeros([z.shape[0]!, 1]), likelihood: bernoulliLogLikelihood, prior, samples: 64, seed: 3 }).loss;
      })(shift);
      // ∂loss/∂shift = −E[z − shift] ≈ −[3, −3]: the prior moves toward the posterior
      expectClose(g, [-3, 3], { atol: 0.1 });
    });
  });

  it('fails clearly without forward/inverse or a base', () => {
    expectThrowsClean(() => flowPrior({} as never, standardNormalPrior([2])), /^flowPrior: bijector must be an object with forward\(x\) and inverse\(y\)/);
    const params = [tf.zeros([1]), tf.zeros([1])] as const;
    const bijector = affine(...params);
    expectThrowsClean(() => flowPrior(bijector, undefined as never), /^flowPrior: base must be a distribution \(family, batchShape, eventShape, support, sample, logProb\), got undefined \(missing family\)$/);
    tf.dispose([...params]);
  });
});
