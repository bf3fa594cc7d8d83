import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { sampleGumbel } from '@genmod/gumbel';
import { nonDifferentiable } from '@genmod-internal/core';
import { autoregressivePrior, bernoulliLogLikelihood, categoricalKl, codebookLookup, discreteElbo, type DiscretePrior } from './index.js';

const logits = [[[2, 0, -1], [0.5, 0.5, 0.5]], [[-3, 1, 0], [0, 4, -2]]]; // [B = 2, N = 2, K = 3]
const softmax = (l: number[]) => {
  const m = Math.max(...l);
  const e = l.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
};

describe('categoricalKl', () => {
  it('uniform prior: Σ_n (log K − H(q_n)); any prior: Σ_n Σ_k q log(q/p)', () => {
    const uniform = logits.map((row) => row.reduce((a, l) => a + Math.log(3) + softmax(l).reduce((h, p) => h + p * Math.log(p), 0), 0));
    const prior = [1, 0, -1];
    const pp = softmax(prior);
    const withPrior = logits.map((row) => row.reduce((a, l) => a + softmax(l).reduce((s, q, k) => s + q * Math.log(q / pp[k]!), 0), 0));
    tf.tidy(() => {
      expectClose(categoricalKl(logits), uniform, { rtol: 1e-5 });
      expectClose(categoricalKl(logits, { priorLogits: prior }), withPrior, { rtol: 1e-5 });
    });
  });

  it('fails clearly for K < 2 or a mismatched prior', () => {
    expectThrowsClean(() => categoricalKl([[[1]]]), /^categoricalKl: logits must be a tensor with K ≥ 2 classes on the last axis, got shape \[1, 1, 1\]$/);
    expectThrowsClean(() => categoricalKl(logits, { priorLogits: [0, 0] }), /priorLogits must be a tensor with K = 3 classes/);
  });
});

describe('codebookLookup', () => {
  it('picks codebook rows for one-hots and mixes them for relaxed ones, with gradients to both', () => {
    tf.tidy(() => {
      const cb = tf.tensor2d([[1, 0], [0, 1], [2, 2]]);
      expectClose(codebookLookup([[[0, 0, 1], [1, 0, 0]]], cb), [[[2, 2], [1, 0]]]);
      expectClose(codebookLookup([[0.5, 0.5, 0]], cb), [[0.5, 0.5]]);
      const [gy, gc] = tf.grads((y: tf.Tensor, c: tf.Tensor) => tf.sum(codebookLookup(y, c)))([tf.tensor2d([[0, 1, 0]]), cb]);
      expectClose(gy!, [[1, 1, 4]]);
      expectClose(gc!, [[0, 0], [1, 1], [0, 0]]);
    });
    expectThrowsClean(() => codebookLookup([[1, 0]], [[1, 0], [0, 1], [1, 1]]), /^codebookLookup: y must be a tensor whose last axis has the codebook's 3 codes, got shape \[1, 2\]$/);
  });
});

describe('discreteElbo', () => {
  const x = [[1, 0, 1, 1], [0, 1, 0, 0]];
  const codebook = [[1, -1, 0.5, 0], [0, 1, -1, 2], [0.3, 0.3, 0.3, 0.3]]; // K = 3 codes → 4 logits
  const decodeWith = (cb: tf.Tensor) => (y: tf.Tensor) => tf.sum(codebookLookup(y, cb), 1);

  it('hard samples are one-hot forward, and the gradient is the straight-through one', () => {
    tf.tidy(() => {
      const noise = sampleGumbel([2, 2, 3], { seed: 5 });
      const cb = tf.tensor2d(codebook);
      const tau = 0.7;
      let seen: number[][][] = [];
      const decode = (y: tf.Tensor) => ((seen = y.arraySync() as number[][][]), decodeWith(cb)(y));
      const loss = (l: tf.Tensor) => discreteElbo({ x, encode: () => l, decode, likelihood: bernoulliLogLikelihood, temperature: tau, hard: true, noise }).loss;
      const hardGrad = tf.grad(loss)(tf.tensor3d(logits));
      for (const row of seen.flat()) expect([...row].sort()).toEqual([0, 0, 1]);
      // the reference: y = sg(one_hot − y_soft) + y_soft, y_soft = softmax((l + g)/τ), written out here
      const reference = tf.grad((l: tf.Tensor) => {
        const ySoft = tf.softmax(tf.div(tf.add(l, noise), tau));
        const hard = nonDifferentiable((s) => tf.sub(tf.cast(tf.oneHot(tf.argMax(s, -1), 3), 'float32'), s), ySoft);
        const y = tf.add(ySoft, hard);
        const recon = bernoulliLogLikelihood(x, decodeWith(cb)(y));
        return tf.add(tf.neg(tf.mean(recon)), tf.mean(categoricalKl(l))) as tf.Scalar;
      })(tf.tensor3d(logits));
      expectClose(hardGrad, reference, { rtol: 1e-4, atol: 1e-6 });
      expect(Math.max(...Array.from(hardGrad.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
    });
  });

  it('the uniform-prior ELBO is reconstruction − Σ(log K − H) and trains a codebook', () => {
    tf.tidy(() => {
      const r = discreteElbo({ x, encode: () => tf.tensor3d(logits), decode: decodeWith(tf.tensor2d(codebook)), likelihood: bernoulliLogLikelihood, seed: 3 });
      expectClose(tf.sub(r.reconstruction, r.elbo), categoricalKl(logits), { rtol: 1e-6 });
      const g = tf.grad((cb: tf.Tensor) => discreteElbo({ x, encode: () => tf.tensor3d(logits), decode: decodeWith(cb), likelihood: bernoulliLogLikelihood, seed: 3 }).loss)(tf.tensor2d(codebook));
      expect(Math.max(...Array.from(g.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
    });
  });

  it('fails clearly for invalid β, τ, K or N', () => {
    const base = { x, encode: () => tf.tensor3d(logits), decode: decodeWith(tf.tensor2d(codebook)), likelihood: bernoulliLogLikelihood };
    expectThrowsClean(() => discreteElbo({ ...base, beta: -2 }), /^discreteElbo: options\.beta must be a finite number ≥ 0, got -2$/);
    expectThrowsClean(() => discreteElbo({ ...base, temperature: 0 }), /^discreteElbo: options\.temperature must be a finite number > 0, got 0$/);
    expectThrowsClean(() => discreteElbo({ ...base, encode: () => tf.zeros([2, 2, 1]) }), /encode\(x\) must be logits with K ≥ 2 classes, got shape \[2, 2, 1\]/);
    expectThrowsClean(() => discreteElbo({ ...base, encode: () => tf.zeros([2, 6]) }), /encode\(x\) must be logits of shape \[B, N, K\]/);
    expectThrowsClean(() => discreteElbo({ ...base, encode: () => tf.zeros([2, 0, 3]), decode: () => tf.zeros([2, 4]) }), /encode\(x\) must be logits with N ≥ 1 latents, got shape \[2, 0, 3\]/);
  });
});

/** The contract fields of a hand-written prior over N = 2 codes with K = 3 classes. */
const CONTRACT = { family: 'Factorised', batchShape: [], eventShape: [2, 3], support: 'one-hot' } as const;

describe('discreteElbo with a prior', () => {
  const x = [[1, 0, 1, 1], [0, 1, 0, 0]];
  const codebook = [[1, -1, 0.5, 0], [0, 1, -1, 2], [0.3, 0.3, 0.3, 0.3]];
  const decodeWith = (cb: tf.Tensor) => (y: tf.Tensor) => tf.sum(codebookLookup(y, cb), 1);
  const base = () => ({ x, encode: () => tf.tensor3d(logits), decode: decodeWith(tf.tensor2d(codebook)), likelihood: bernoulliLogLikelihood });
  /** p(c) = Π_n Cat(c_n; softmax(l_n)) as a structural prior, with or without its conditionals. */
  const factorised = (priorLogits: number[][], conditionals: boolean): DiscretePrior => {
    const lp = () => tf.logSoftmax(tf.tensor2d(priorLogits)); // [N, K]
    return {
      ...CONTRACT,
      sample: () => {
        throw new Error('not needed');
      },
      logProb: (c) => tf.sum(tf.mul(c, lp()), [-2, -1]),
      ...(conditionals ? { conditionalLogProbs: (c: tf.Tensor) => tf.mul(tf.onesLike(c), lp()) } : {}),
    };
  };
  const uniform = [[0, 0, 0], [0, 0, 0]];
  const skewed = [[1.5, -0.5, 0], [-1, 0.3, 2]];

  it.each([true, false])('a uniform prior gives the uniform path exactly (conditionals: %s), soft and hard', (conditionals) => {
    for (const hard of [false, true]) {
      tf.tidy(() => {
        const ref = discreteElbo({ ...base(), temperature: 0.6, hard, seed: 8 });
        const got = discreteElbo({ ...base(), temperature: 0.6, hard, seed: 8, prior: factorised(uniform, conditionals) });
        expectClose(got.kl, ref.kl, { rtol: 1e-5, atol: 1e-6 });
        expectClose(got.elbo, ref.elbo, { rtol: 1e-5, atol: 1e-6 });
        expectClose(got.loss, ref.loss, { rtol: 1e-5, atol: 1e-6 });
        // and the gradient with respect to the encoder's logits
        const g = (prior?: DiscretePrior) =>
          tf.grad((l: tf.Tensor) => discreteElbo({ ...base(), encode: () => l, temperature: 0.6, hard, seed: 8, ...(prior ? { prior } : {}) }).loss)(tf.tensor3d(logits));
        expectClose(g(factorised(uniform, conditionals)), g(), { rtol: 1e-4, atol: 1e-6 });
      });
    }
  });

  it('a factorised prior with conditionals gives the analytic KL exactly', () => {
    tf.tidy(() => {
      const got = discreteElbo({ ...base(), seed: 2, prior: factorised(skewed, true) });
      expectClose(got.kl, categoricalKl(logits, { priorLogits: skewed }), { rtol: 1e-5 });
      const ref = discreteElbo({ ...base(), seed: 2, priorLogits: skewed });
      expectClose(got.elbo, ref.elbo, { rtol: 1e-5 });
    });
  });

  it('a factorised prior with logProb only gives the analytic KL on average (hard samples)', () => {
    tf.tidy(() => {
      const reps = 4000;
      const many = tf.tile(tf.tensor3d(logits), [reps, 1, 1]); // [2·reps, N, K]
      const xs = tf.tile(tf.tensor2d(x), [reps, 1]);
      const r = discreteElbo({ x: xs, encode: () => many, decode: decodeWith(tf.tensor2d(codebook)), likelihood: bernoulliLogLikelihood, hard: true, seed: 5, prior: factorised(skewed, false) });
      const kl = tf.reshape(r.kl, [reps, 2]);
      const mean = tf.mean(kl, 0);
      const se = tf.div(tf.sqrt(tf.mean(tf.square(tf.sub(kl, mean)), 0)), Math.sqrt(reps));
      const exact = categoricalKl(logits, { priorLogits: skewed });
      const z = tf.div(tf.abs(tf.sub(mean, exact)), se).dataSync();
      for (const v of z) expect(v).toBeLessThan(4);
      expect(Math.min(...se.dataSync())).toBeGreaterThan(1e-3); // a real estimate, not the exact value
    });
  });

  it('with an autoregressive prior: KL = −Σ H(q_n) − Σ q·log p(c_n | y_<n), and the prior gets gradients', () => {
    tf.tidy(() => {
      const table = tf.variable(tf.tensor2d([[0.2, -0.4, 1], [1, 0, -1], [-0.5, 0.5, 0]]));
      const network = (c: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(tf.pad(tf.slice(c, [0, 0, 0], [-1, 1, -1]), [[0, 0], [1, 0], [0, 0]]), [-1, 3]), table), [-1, 2, 3]);
      const prior = autoregressivePrior(network, { length: 2, classes: 3 });
      const noise = sampleGumbel([2, 2, 3], { seed: 4 });
      let y: tf.Tensor | undefined;
      const decode = (yy: tf.Tensor) => ((y = tf.keep(yy)), decodeWith(tf.tensor2d(codebook))(yy));
      const r = discreteElbo({ ...base(), decode, hard: true, noise, prior });
      const q = tf.softmax(tf.tensor3d(logits));
      const expected = tf.sub(tf.sum(tf.mul(q, tf.logSoftmax(tf.tensor3d(logits))), [1, 2]), tf.sum(tf.mul(q, prior.conditionalLogProbs(y!)), [1, 2]));
      expectClose(r.kl, expected, { rtol: 1e-5 });
      const { grads } = tf.variableGrads(() => discreteElbo({ ...base(), hard: true, noise, prior }).loss, [table]);
      expect(Math.max(...Array.from(grads[table.name]!.dataSync()).map(Math.abs))).toBeGreaterThan(1e-3);
      tf.dispose([y!, table]);
    });
  });

  it('fails clearly for a bad prior', () => {
    const b = { x, encode: () => tf.tensor3d(logits), decode: decodeWith(tf.tensor2d(codebook)), likelihood: bernoulliLogLikelihood };
    expectThrowsClean(() => discreteElbo({ ...b, prior: {} as DiscretePrior }), /^discreteElbo: options\.prior must be a distribution \(family, batchShape, eventShape, support, sample, logProb\), got a plain object \(missing family\)$/);
    expectThrowsClean(() => discreteElbo({ ...b, prior: factorised(uniform, true), priorLogits: [0, 0, 0] }), /^discreteElbo: options must be an object with at most one of prior and priorLogits, got both$/);
    const short: DiscretePrior = { ...CONTRACT, sample: () => tf.zeros([1]), logProb: () => tf.zeros([5]) };
    expectThrowsClean(() => discreteElbo({ ...b, prior: short }), /discreteElbo: prior\.logProb\(y\) must be of shape \[2\], got a float32 tensor of shape \[5\]/);
    const badCond: DiscretePrior = { ...CONTRACT, sample: () => tf.zeros([1]), logProb: () => tf.zeros([2]), conditionalLogProbs: () => tf.zeros([2, 3]) };
    expectThrowsClean(() => discreteElbo({ ...b, prior: badCond }), /prior\.conditionalLogProbs\(y\) must be of shape \[2, 2, 3\]/);
  });
});
