import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Normal, independent } from '@genmod/reparam';
import { StandardNormal, TransformedDistribution, affineCoupling, mlp, shift } from '@genmod/flows';
import { bernoulliLogLikelihood, elbo, standardNormalPrior } from '@genmod/vae';
import type { Distribution } from '@genmod/vae';

const B = 4;
const D = 3;
const d = 2;
const x = () => tf.tensor2d([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]]);
// a fixed linear encoder/decoder: the pairing, not the network, is under test
const encode = (xs: tf.Tensor) => ({ loc: tf.matMul(xs, tf.tensor2d([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.2]])), logVar: tf.fill([xs.shape[0]!, d], -1) });
const decode = (z: tf.Tensor) => tf.matMul(z, tf.tensor2d([[1, -1, 0.5], [0.3, 0.2, -0.7]]));

/** The ELBO `[B]` of the fixed model under a prior, Monte Carlo KL, common random numbers. */
function elboWith(prior: Distribution, seed: number | string = 0): number[] {
  return tf.tidy(() => {
    const r = elbo({ x: x(), encode, decode, likelihood: bernoulliLogLikelihood, prior, samples: 16, seed, analyticKl: false });
    return Array.from(r.elbo.dataSync());
  });
}

describe('priors from other packages in the vae ELBO', () => {
  it('a flows TransformedDistribution gives the ELBO of the same law built with reparam', () => {
    const m = tf.tensor1d([0.5, -1]);
    const flow = new TransformedDistribution(new StandardNormal([d]), shift(m));
    const normal = independent(new Normal({ loc: m, scale: [1, 1] }), 1);
    const a = elboWith(flow);
    const b = elboWith(normal);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
    expect(a.every(Number.isFinite)).toBe(true);
    // and a different law gives a different ELBO: the prior is really used
    const std = standardNormalPrior([d]);
    expect(elboWith(std)[0]).not.toBeCloseTo(a[0]!, 3);
    std.dispose?.();
    normal.dispose();
    flow.dispose();
    m.dispose();
  });

  it('a conditional flow conditioned on a context is a prior, and gradients reach its conditioner', () => {
    const coupling = affineCoupling({ mask: [1, 0], contextSize: 2, conditioner: mlp({ inputs: 2, contextSize: 2, hidden: [8], outputs: 4, seed: 'prior', zeroLast: false }) });
    const flow = new TransformedDistribution(new StandardNormal([d]), coupling);
    const context = tf.tensor1d([0.3, -0.7]);
    const prior = flow.condition(context);
    expect(elboWith(prior).every(Number.isFinite)).toBe(true);
    const { value, grads } = tf.variableGrads(() =>
      elbo({ x: x(), encode, decode, likelihood: bernoulliLogLikelihood, prior, samples: 4, seed: 1 }).loss,
    );
    const norms = Object.values(grads).map((g) => tf.tidy(() => tf.norm(g).dataSync()[0]!));
    expect(norms.length).toBeGreaterThan(0);
    expect(norms.some((n) => n > 0)).toBe(true);
    tf.dispose([value, ...Object.values(grads), context]);
    flow.dispose();
  });

  it('a reparam independent Normal is a posterior the ELBO accepts', () => {
    const r = tf.tidy(() => {
      const enc = (xs: tf.Tensor) => {
        const { loc, logVar } = encode(xs);
        return independent(Normal.fromLogVariance(loc, logVar), 1);
      };
      const viaObject = elbo({ x: x(), encode: enc, decode, likelihood: bernoulliLogLikelihood, samples: 8, seed: 5, analyticKl: false }).elbo;
      const viaHeads = elbo({ x: x(), encode, decode, likelihood: bernoulliLogLikelihood, samples: 8, seed: 5, analyticKl: false }).elbo;
      return [Array.from(viaObject.dataSync()), Array.from(viaHeads.dataSync())];
    });
    expect(r[0]!.length).toBe(B);
    expect(r[0]!.every(Number.isFinite)).toBe(true);
    // same law, same seed: same draws when both paths use the one seed scheme
    r[0]!.forEach((v, i) => expect(v).toBeCloseTo(r[1]![i]!, 4));
  });

  it('seed 0 is a seed: the ELBO is reproducible at step 0', () => {
    const std = standardNormalPrior([d]);
    expect(elboWith(std, 0)).toEqual(elboWith(std, 0));
    expect(elboWith(std, 0)).not.toEqual(elboWith(std, 1));
    std.dispose?.();
  });

  it('independent(flow, 1) reads a flow batch as an event', () => {
    const flow = new TransformedDistribution(new Normal({ loc: [0, 0, 0], scale: [1, 1, 1] }), shift([1, 2, 3]));
    const ind = independent(flow, 1);
    expect([...ind.batchShape]).toEqual([]);
    expect([...ind.eventShape]).toEqual([3]);
    const v = tf.tidy(() => ind.logProb(tf.tensor1d([1, 2, 3])).dataSync()[0]!);
    expect(v).toBeCloseTo(-1.5 * Math.log(2 * Math.PI), 5);
    ind.dispose?.();
  });
});
