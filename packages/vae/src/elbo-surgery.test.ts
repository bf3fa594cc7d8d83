import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { aggregatePosterior, bernoulliLogLikelihood, elbo, elboSurgery, standardNormalPrior } from './index.js';

const n = 60;
const loc = () => tf.mul(tf.randomNormal([n, 2], 0, 1, 'float32', 11), 1.5);
const logVar = () => tf.fill([n, 2], -1.5);

describe('elboSurgery', () => {
  it('average KL = I_q[x, z] + KL(q_agg ‖ p): exactly on the shared samples, within Monte Carlo error of the analytic KL', () => {
    tf.tidy(() => {
      const r = elboSurgery(loc(), logVar(), { samples: 400, seed: 1 });
      const [avg, mi, marg, mc] = [r.averageKl, r.mutualInformation, r.marginalKl, r.averageKlMonteCarlo].map((t) => t.dataSync()[0]!) as [number, number, number, number];
      expect(mi + marg).toBeCloseTo(mc, 4);
      expect(Math.abs(mc - avg)).toBeLessThan(0.03); // S·n = 24 000 samples of a KL with variance ≈ 3
      expect(mi).toBeGreaterThan(0.5);
      expect(mi).toBeLessThanOrEqual(Math.log(n) + 1e-4); // I_q ≤ H(index) = log n
      expect(marg).toBeGreaterThan(0);
    });
  });

  it('well-separated posteriors carry log n nats; identical ones carry none', () => {
    tf.tidy(() => {
      const far = elboSurgery(tf.mul(tf.tensor2d(Array.from({ length: 8 }, (_, i) => [i, -i])), 20), tf.fill([8, 2], -4), { samples: 20, seed: 2 });
      expect(far.mutualInformation.dataSync()[0]!).toBeCloseTo(Math.log(8), 3);
      const same = elboSurgery(tf.zeros([8, 2]), tf.fill([8, 2], -1), { samples: 20, seed: 3 });
      expect(Math.abs(same.mutualInformation.dataSync()[0]!)).toBeLessThan(1e-5);
      expectClose(same.marginalKl, same.averageKlMonteCarlo, { atol: 1e-5 });
    });
  });

  it('the aggregated posterior as prior zeroes the marginal KL and raises the average ELBO', () => {
    tf.tidy(() => {
      const mu = loc();
      const lv = logVar();
      const agg = aggregatePosterior(mu, lv);
      const r = elboSurgery(mu, lv, { prior: agg, samples: 50, seed: 4 });
      expectClose(r.marginalKl, 0, { atol: 1e-5 });
      const standard = elboSurgery(mu, lv, { samples: 50, seed: 4 });
      expectClose(r.averageKl, standard.mutualInformation, { atol: 1e-5 }); // the KL left is the information
      // in an ELBO: the same encoder and decoder, the KL term smaller with the optimal prior
      const args = { x: tf.ones([n, 3]), encode: () => ({ loc: mu, logVar: lv }), decode: (z: tf.Tensor) => tf.zeros([z.shape[0]!, 3]), likelihood: bernoulliLogLikelihood, samples: 50 };
      const withAgg = tf.mean(elbo({ ...args, prior: agg, seed: 5 }).elbo).dataSync()[0]!;
      const withStd = tf.mean(elbo({ ...args, seed: 5 }).elbo).dataSync()[0]!;
      expect(withAgg).toBeGreaterThan(withStd + 0.5);
    });
  });

  it('the aggregated posterior: logProb is the mixture density, samples follow it', () => {
    tf.tidy(() => {
      const agg = aggregatePosterior([[-2, 0], [2, 0]], [[0, 0], [0, 0]]);
      const lp = (x: number, y: number) => Math.log(0.5 * (Math.exp(-0.5 * ((x + 2) ** 2 + y * y)) + Math.exp(-0.5 * ((x - 2) ** 2 + y * y))) / (2 * Math.PI));
      expectClose(agg.logProb(tf.tensor2d([[0, 0], [2, 1], [-3, -1]])), [lp(0, 0), lp(2, 1), lp(-3, -1)], { rtol: 1e-5 });
      const s = agg.sample([4000], { seed: 6 });
      expect(s.shape).toEqual([4000, 2]);
      const x = s.arraySync() as number[][];
      const right = x.filter((p) => p[0]! > 0).length / x.length;
      expect(Math.abs(right - 0.5)).toBeLessThan(0.04);
      expectClose(tf.mean(tf.square(s), 0), [5, 1], { atol: 0.15 });
      expect(standardNormalPrior([2]).logProb(tf.zeros([3, 2])).shape).toEqual([3]);
    });
  });

  it('fails clearly', () => {
    expectThrowsClean(() => elboSurgery([[0, 0]], [[0, 0, 0]]), /^elboSurgery: logVar must be of the shape of loc \(shape \[1, 2\]\), got shape \[1, 3\]$/);
    expectThrowsClean(() => elboSurgery([[0, 0]], [[0, 0]], { samples: 0 }), /options\.samples must be an integer ≥ 1, got 0/);
    expectThrowsClean(() => aggregatePosterior([0, 0], [0, 0]), /^aggregatePosterior: loc must be a tensor of rank ≥ 2/);
  });
});
