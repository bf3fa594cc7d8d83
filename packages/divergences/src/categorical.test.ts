import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { crossEntropyCategorical, entropyCategorical, klCategorical, klToUniform } from './categorical.js';
import { TOL, divergences } from '../test/golden.js';

const discrete = divergences().discrete;
const toUniform = divergences().kl_to_uniform;
const named = discrete.map((c, i) => [`case ${i} (K=${c.p.length})`, c] as const);
const logsOf = (p: number[]) => p.map((v) => (v === 0 ? -Infinity : Math.log(v)));

describe('categorical KL, entropy, cross-entropy against SciPy (divergences.json discrete)', () => {
  it('has 7 golden pairs, among them p with zeros and an infinite KL(q‖p)', () => {
    expect(discrete.length).toBe(7);
    expect(discrete.filter((c) => c.kl_qp === null).length).toBe(2);
  });

  it.each(named)('%s from probs', (_n, c) => {
    const p = { probs: c.p };
    const q = { probs: c.q };
    const values = expectNoLeaks(() => [
      klCategorical(p, q), klCategorical(q, p), entropyCategorical(p), entropyCategorical(q),
      entropyCategorical(p, { base: 2 }), crossEntropyCategorical(p, q), klCategorical(p, { probs: c.p.map(() => 1 / c.p.length) }),
    ]);
    const expected = [c.kl_pq, c.kl_qp, c.entropy_p, c.entropy_q, c.entropy_p_bits, c.cross_entropy_pq, c.kl_p_uniform];
    const labels = ['kl_pq', 'kl_qp', 'entropy_p', 'entropy_q', 'entropy_p_bits', 'cross_entropy_pq', 'kl_p_uniform'];
    values.forEach((v, i) => expectClose(v, expected[i]!, { ...TOL, label: labels[i] }));
    if (c.kl_qp === null) expect(values[1]!.dataSync()[0]).toBe(Infinity);
    tf.dispose(values);
  });

  it.each(named)('%s from logits (log p, −Infinity for zeros): the same values', (_n, c) => {
    const p = { logits: logsOf(c.p) };
    const q = { logits: logsOf(c.q).map((v) => v + 3) }; // unnormalized on purpose
    const values = [klCategorical(p, q), klCategorical(q, p), entropyCategorical(p), crossEntropyCategorical(p, q)];
    [c.kl_pq, c.kl_qp, c.entropy_p, c.cross_entropy_pq].forEach((e, i) => expectClose(values[i]!, e, { ...TOL, label: `${i}` }));
    tf.dispose(values);
  });

  it('pins the direction: KL(p‖q) = Σ p log(p/q)', () => {
    const a = klCategorical({ probs: [0.5, 0.5] }, { probs: [0.9, 0.1] });
    expectClose(a, 0.5 * Math.log(0.5 / 0.9) + 0.5 * Math.log(0.5 / 0.1), TOL);
    a.dispose();
  });

  it('batches and broadcasts: a batch of p against one q', () => {
    const ps = discrete.filter((c) => c.p.length === 4).map((c) => c.p);
    const kl = klCategorical({ probs: ps }, { probs: [0.25, 0.25, 0.25, 0.25] });
    expect(kl.shape).toEqual([ps.length]);
    expectClose(kl, discrete.filter((c) => c.p.length === 4).map((c) => c.kl_p_uniform), TOL);
    kl.dispose();
  });

  it('stays finite at logits ±1e4 and −Infinity masks, values and gradients', () => {
    const logits = tf.tensor2d([[1e4, -1e4, 0], [0, -Infinity, 1], [-1e4, 1e4, 1e4]]);
    const q = tf.tensor2d([[0, 1, 2], [1, -Infinity, 0], [3, 2, 1]]);
    const f = (l: tf.Tensor) => tf.add(tf.add(tf.sum(klCategorical({ logits: l }, { logits: q })), tf.sum(entropyCategorical({ logits: l }))), tf.sum(crossEntropyCategorical({ logits: q }, { logits: l })));
    const v = f(logits);
    expectFinite(v, 'value');
    const g = tf.grad(f)(logits);
    expectFinite(g, 'gradient');
    // q = softmax([0, 1, 2]) puts mass on class 1; p = one-hot(0) ⇒ KL = −log q₀
    const kl0 = klCategorical({ logits: [1e4, -1e4, 0] }, { logits: [0, 1, 2] });
    expectClose(kl0, -Math.log(1 / (1 + Math.E + Math.E ** 2)), TOL);
    tf.dispose([logits, q, v, g, kl0]);
  });

  it('gradients match finite differences (logits and probs)', () => {
    const l = tf.tensor2d([[0.3, -1, 2, 0.1], [1, 1, -0.5, 0]]);
    const q = tf.tensor2d([[0, 0.5, 1, -1], [2, 0, 0, 1]]);
    checkGradient((t) => tf.sum(klCategorical({ logits: t }, { logits: q })) as tf.Scalar, l, { label: 'KL wrt p logits' });
    checkGradient((t) => tf.sum(klCategorical({ logits: q }, { logits: t })) as tf.Scalar, l, { label: 'KL wrt q logits' });
    checkGradient((t) => tf.sum(entropyCategorical({ logits: t })) as tf.Scalar, l, { label: 'entropy' });
    checkGradient((t) => tf.sum(crossEntropyCategorical({ logits: q }, { logits: t })) as tf.Scalar, l, { label: 'cross-entropy' });
    const p = tf.tensor1d([0.2, 0.3, 0.5]);
    checkGradient((t) => klCategorical({ probs: t }, { probs: [0.1, 0.6, 0.3] }, { validate: false }) as tf.Scalar, p, { eps: 1e-3, label: 'KL wrt probs' });
    tf.dispose([l, q, p]);
  });

  it('a zero-probability class of p contributes nothing, not NaN, to the gradient', () => {
    const p = tf.tensor1d([0, 0.25, 0.75]);
    const g = tf.grad((t: tf.Tensor) => klCategorical({ probs: t }, { probs: [0.2, 0.3, 0.5] }, { validate: false }))(p);
    expectFinite(g, 'd/dp');
    tf.dispose([p, g]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => klCategorical({ probs: [0.5, 1.5] }, { probs: [0.5, 0.5] }), /klCategorical: p.probs must be probabilities in \[0, 1\], got values in \[0.5, 1.5\]/);
    const bad = tf.tensor1d([-0.1, 1.1]);
    expectThrowsClean(() => entropyCategorical({ probs: bad }), /entropyCategorical: p.probs must be probabilities in \[0, 1\], got values in \[-0.1/);
    bad.dispose();
    expectThrowsClean(() => klCategorical({ probs: [0.5, 0.5] }, { probs: [0.2, 0.3, 0.5] }), /klCategorical: p and q must be laws over the same number of classes \(last axis\), got 2 and 3 classes/);
    expectThrowsClean(() => klCategorical({ probs: [[0.5, 0.5], [0.5, 0.5]] }, { probs: [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]] }), /klCategorical: p and q must be broadcastable shapes, got \[2, 2\] and \[3, 2\]/);
    expectThrowsClean(() => klCategorical({ probs: [1], logits: [0] } as never, { probs: [1] }), /klCategorical: p must be an object with exactly one of `logits` or `probs`, got both/);
    expectThrowsClean(() => klCategorical({} as never, { probs: [1] }), /got neither/);
    expectThrowsClean(() => crossEntropyCategorical({ logits: 3 }, { logits: [1] }), /crossEntropyCategorical: p.logits must be a tensor of rank ≥ 1/);
    expectThrowsClean(() => entropyCategorical({ probs: [1] }, { base: 1 }), /entropyCategorical: options.base must be a finite number > 0 and ≠ 1, got 1/);
    expectThrowsClean(() => klToUniform(5), /klToUniform: logits must be a tensor of rank ≥ 1/);
  });
});

describe('klToUniform, the discrete VAE prior term (divergences.json kl_to_uniform)', () => {
  it('has 5 golden cases (K 2, 3, 5, 10, 30)', () => expect(toUniform.map((c) => c.K)).toEqual([2, 3, 5, 10, 30]));

  it.each(toUniform.map((c) => [c.K, c] as const))('K=%i: log K − H(softmax(logits))', (_k, c) => {
    const kl = expectNoLeaks(() => klToUniform(c.logits));
    expectClose(kl, c.kl_to_uniform, { ...TOL, label: 'kl_to_uniform' });
    const h = entropyCategorical({ logits: c.logits });
    expectClose(h, c.entropy, { ...TOL, label: 'entropy' });
    const viaKl = klCategorical({ logits: c.logits }, { probs: new Array(c.K).fill(1 / c.K) });
    expectClose(viaKl, c.kl_to_uniform, { ...TOL, label: 'as klCategorical' });
    tf.dispose([kl, h, viaKl]);
  });

  it('is 0 at uniform logits, log K at a one-hot, in bits with base 2, with finite gradients', () => {
    const v = klToUniform([[0, 0, 0, 0], [1e4, -1e4, -1e4, -1e4], [0, -Infinity, -Infinity, -Infinity]], { base: 2 });
    expectClose(v, [0, 2, 2], TOL);
    const l = tf.tensor2d([[0.5, -0.2, 1.3], [2, 0, -Infinity]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(klToUniform(t)))(l);
    expectFinite(g);
    checkGradient((t) => tf.sum(klToUniform(t)) as tf.Scalar, tf.tensor2d([[0.5, -0.2, 1.3]]));
    tf.dispose([v, l, g]);
  });
});
