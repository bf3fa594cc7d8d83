import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectFinite, expectThrowsClean } from '@genmod-internal/testing';
import { vaeGolden } from '../test/golden.js';
import { bernoulliLogLikelihood, cyclicalAnnealing, elbo, linearWarmup, standardNormalPrior, type Prior } from './index.js';

const g = vaeGolden();
const fixed = () => ({ encode: () => ({ loc: tf.tensor2d(g.mu), logVar: tf.tensor2d(g.logvar) }), decode: () => tf.tensor2d(g.x_logits) });

describe('elbo against the golden values (PyTorch, float64)', () => {
  it('analytic KL, Bernoulli log-likelihood, reparameterized z and the ELBO', () => {
    let z: number[][] = [];
    const { encode } = fixed();
    const decode = (zt: tf.Tensor) => {
      z = zt.arraySync() as number[][];
      return tf.tensor2d(g.x_logits);
    };
    tf.tidy(() => {
      const r = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps });
      expectClose(z, g.z_reparam, { rtol: 1e-5, atol: 1e-5, label: 'z_reparam' });
      expectClose(r.kl, g.kl_sum, { rtol: 1e-5, atol: 1e-5, label: 'kl_sum' });
      expectClose(r.reconstruction, g.bernoulli_log_likelihood, { rtol: 1e-5, label: 'bernoulli_log_likelihood' });
      expectClose(r.elbo, g.elbo, { rtol: 1e-5, label: 'elbo' });
      expectClose(r.loss, -g.elbo_mean, { rtol: 1e-5, label: '−elbo_mean' });
    });
  });

  it('Bernoulli log-likelihood of continuous x and at logits ±50', () => {
    tf.tidy(() => {
      expectClose(bernoulliLogLikelihood(g.x_continuous, g.x_logits), g.bernoulli_log_likelihood_x_continuous, { rtol: 1e-5 });
      expectClose(tf.neg(tf.mean(bernoulliLogLikelihood(g.x, g.x_logits))), g.bce_sum_mean_over_batch, { rtol: 1e-5 });
    });
  });

  it('Monte Carlo KL on the same sample: log q(z|x) and log p(z)', () => {
    const { encode, decode } = fixed();
    const flat: Prior = { family: 'Flat', batchShape: [], eventShape: [5], support: 'real', sample: (s = []) => tf.zeros([...s, 5]), logProb: (z) => tf.zeros(z.shape.slice(0, -1)) };
    tf.tidy(() => {
      const mc = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, analyticKl: false });
      expectClose(mc.elbo, g.elbo_mc_kl, { rtol: 1e-5, label: 'elbo_mc_kl' });
      // with log p(z) ≡ 0 the Monte Carlo KL is log q(z|x) itself
      const q = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, prior: flat });
      expectClose(q.kl, g.log_q_z, { rtol: 1e-5, label: 'log_q_z' });
      expectClose(standardNormalPrior([5]).logProb(tf.tensor2d(g.z_reparam)), g.log_p_z, { rtol: 1e-5, label: 'log_p_z' });
    });
  });

  it('KL elementwise through free bits: the loss uses Σ_j max(λ, mean_b KL_j)', () => {
    const { encode, decode } = fixed();
    const perDim = g.kl_elementwise[0]!.map((_, j) => g.kl_elementwise.reduce((s, row) => s + row[j]!, 0) / 4);
    const recon = g.bernoulli_log_likelihood.reduce((a, b) => a + b, 0) / 4;
    for (const lambda of [0.3, 1]) {
      const expected = -recon + 0.5 * perDim.reduce((s, v) => s + Math.max(lambda, v), 0);
      tf.tidy(() => expectClose(elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, beta: 0.5, freeBits: lambda }).loss, expected, { rtol: 1e-5 }));
    }
  });
});

describe('elbo behaviour', () => {
  it('averages the reconstruction over S samples with one decoder call of S·B rows', () => {
    const rows: number[] = [];
    tf.tidy(() => {
      const r = elbo({
        x: tf.ones([3, 4]),
        encode: (x) => ({ loc: tf.zeros([x.shape[0]!, 2]), logVar: tf.zeros([x.shape[0]!, 2]) }),
        decode: (z) => (rows.push(z.shape[0]!), tf.zeros([z.shape[0]!, 4])),
        likelihood: bernoulliLogLikelihood,
        samples: 5,
        seed: 1,
      });
      expect(rows).toEqual([15]);
      expectClose(r.reconstruction, [-4 * Math.log(2), -4 * Math.log(2), -4 * Math.log(2)], { rtol: 1e-6 });
      expectClose(r.kl, [0, 0, 0], { atol: 1e-7 });
    });
  });

  it('Monte Carlo KL agrees with the analytic one on average', () => {
    tf.tidy(() => {
      const loc = tf.tensor2d([[0.5, -1], [2, 0.3]]);
      const logVar = tf.tensor2d([[-1, 0.5], [0, -2]]);
      const args = { x: tf.ones([2, 1]), encode: () => ({ loc, logVar }), decode: (z: tf.Tensor) => tf.zeros([z.shape[0]!, 1]), likelihood: bernoulliLogLikelihood };
      const exact = elbo({ ...args, seed: 1 }).kl;
      const mc = elbo({ ...args, analyticKl: false, samples: 20000, seed: 2 }).kl;
      expectClose(mc, exact, { atol: 0.05 });
    });
  });

  it('β scales the KL in the loss, not in the ELBO; the schedules', () => {
    const { encode, decode } = fixed();
    tf.tidy(() => {
      const a = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, beta: 0 });
      const b = elbo({ x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps, beta: 2 });
      expectClose(tf.sub(b.loss, a.loss), 2 * g.kl_mean_over_batch, { rtol: 1e-5 });
      expectClose(a.elbo, g.elbo, { rtol: 1e-5 });
    });
    const warm = linearWarmup({ steps: 10, from: 0.1 });
    expect([warm(0), warm(5), warm(10), warm(99)]).toEqual([0.1, 0.55, 1, 1]);
    const cyc = cyclicalAnnealing({ period: 100, ratio: 0.5, to: 2 });
    expect([cyc(0), cyc(25), cyc(50), cyc(99), cyc(125)]).toEqual([0, 1, 2, 2, 1]);
  });

  it('fails clearly, leaving nothing allocated', () => {
    const { encode, decode } = fixed();
    const base = { x: g.x, encode, decode, likelihood: bernoulliLogLikelihood, noise: g.eps };
    expectThrowsClean(() => elbo({ ...base, beta: -1 }), /^elbo: options\.beta must be a finite number ≥ 0, got -1$/);
    expectThrowsClean(() => elbo({ ...base, beta: NaN }), /options\.beta/);
    expectThrowsClean(() => elbo({ ...base, samples: 0 }), /^elbo: options\.samples must be an integer ≥ 1, got 0$/);
    expectThrowsClean(() => elbo({ ...base, samples: 1.5 }), /options\.samples/);
    expectThrowsClean(() => elbo({ ...base, freeBits: -0.1 }), /options\.freeBits/);
    const ints = tf.zeros([4, 12], 'int32');
    expectThrowsClean(() => elbo({ ...base, x: ints as never }), /options\.x must be a float32 tensor/);
    ints.dispose();
    expectThrowsClean(() => elbo({ ...base, decode: () => tf.zeros([4, 11]) }), /bernoulliLogLikelihood: logits must be of the shape of x \(shape \[4, 12\]\), got shape \[4, 11\]/);
    expectThrowsClean(() => elbo({ ...base, decode: () => tf.zeros([3, 12]) }), /elbo: decode\(z\) must be a tensor with 4 rows/);
    expectThrowsClean(() => elbo({ ...base, encode: () => ({ loc: tf.zeros([4, 5]), logVar: tf.zeros([4, 4]) }) }), /elbo: encode\(x\)\.logVar must be of shape \[4, 5\]/);
    expectThrowsClean(() => elbo({ ...base, encode: () => ({ loc: tf.zeros([3, 5]), logVar: tf.zeros([3, 5]) }) }), /encode\(x\)\.loc must be a tensor with 4 rows/);
    expectThrowsClean(() => elbo({ ...base, noise: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]] }), /elbo: options\.noise must be of shape \[1, 4, 5\] or shape \[4, 5\], got shape \[4, 4\]/);
    expectThrowsClean(() => elbo({ ...base, encode: 3 as never }), /options\.encode must be a function/);
    expectThrowsClean(() => linearWarmup({ steps: 0 }), /^linearWarmup: options\.steps must be an integer ≥ 1, got 0$/);
  });
});

describe('training', () => {
  it('lowers the loss on a small subset with a flat tensor count over 100 steps', () => {
    // 32 binary 16-pixel images from two prototypes
    const data = tf.tidy(() => {
      const proto = tf.tensor2d([[1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]]);
      const idx = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 2), 'int32');
      return tf.gather(proto, idx);
    });
    const init = (shape: number[], seed: number) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', seed)));
    const [we, wm, wv, wd] = [init([16, 8], 1), init([8, 2], 2), init([8, 2], 3), init([2, 16], 4)];
    const bd = tf.tidy(() => tf.variable(tf.zeros([16])));
    const vars = [we, wm, wv, wd, bd];
    const encode = (x: tf.Tensor) => {
      const h = tf.relu(tf.matMul(x, we));
      return { loc: tf.matMul(h, wm), logVar: tf.matMul(h, wv) };
    };
    const decode = (z: tf.Tensor) => tf.add(tf.matMul(z, wd), bd);
    const opt = tf.train.adam(0.05);
    const losses: number[] = [];
    let count = 0;
    for (let step = 0; step < 100; step++) {
      const loss = opt.minimize(() => elbo({ x: data, encode, decode, likelihood: bernoulliLogLikelihood, seed: step }).loss, true, vars)!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
      if (step === 2) count = tf.memory().numTensors;
      if (step > 2) expect(tf.memory().numTensors).toBe(count);
    }
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(last).toBeLessThan(first - 4);
    expect(losses.every(Number.isFinite)).toBe(true);
    opt.dispose();
    tf.dispose([data, ...vars]);
    expectFinite(tf.scalar(last));
  });
});
