import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { jsDistance, jsDivergence } from './jensen-shannon.js';
import { TOL, divergences } from '../test/golden.js';

const discrete = divergences().discrete;

describe('Jensen–Shannon against SciPy (divergences.json discrete)', () => {
  it.each(discrete.map((c, i) => [i, c] as const))('case %i: divergence (nats, bits) and distance, symmetric', (_i, c) => {
    const p = { probs: c.p };
    const q = { probs: c.q };
    const [d, bits, dist, rev] = expectNoLeaks(() => [jsDivergence(p, q), jsDivergence(p, q, { base: 2 }), jsDistance(p, q), jsDivergence(q, p)]);
    expectClose(d!, c.js_divergence, { ...TOL, label: 'js_divergence' });
    expectClose(bits!, c.js_divergence_bits, { ...TOL, label: 'js_divergence_bits' });
    expectClose(dist!, c.js_distance, { ...TOL, label: 'js_distance' });
    expectClose(rev!, c.js_divergence, { ...TOL, label: 'symmetry' });
    tf.dispose([d!, bits!, dist!, rev!]);
  });

  it('is log 2 (1 bit) for disjoint supports, 0 for equal laws, and the same from logits', () => {
    const a = jsDivergence({ probs: [[1, 0], [0.3, 0.7]] }, { probs: [[0, 1], [0.3, 0.7]] }, { base: 2 });
    expectClose(a, [1, 0], TOL);
    const c = discrete[2]!;
    const fromLogits = jsDivergence({ logits: c.p.map((v) => (v === 0 ? -Infinity : Math.log(v))) }, { logits: c.q.map(Math.log) });
    expectClose(fromLogits, c.js_divergence, TOL);
    const extreme = jsDivergence({ logits: [1e4, -1e4] }, { logits: [-1e4, 1e4] });
    expectClose(extreme, Math.LN2, TOL);
    tf.dispose([a, fromLogits, extreme]);
  });

  it('gradients match finite differences, and are finite (0) at p = q for the distance', () => {
    const l = tf.tensor2d([[0.3, -1, 2], [1, 0, -0.5]]);
    checkGradient((t) => tf.sum(jsDivergence({ logits: t }, { logits: [[0, 1, 0.5], [2, -1, 0]] })) as tf.Scalar, l);
    checkGradient((t) => tf.sum(jsDistance({ logits: t }, { logits: [[0, 1, 0.5], [2, -1, 0]] })) as tf.Scalar, l);
    const g = tf.grad((t: tf.Tensor) => tf.sum(jsDistance({ logits: t }, { logits: l })))(l);
    expectFinite(g);
    expectClose(g, [[0, 0, 0], [0, 0, 0]], { atol: 0, rtol: 0 });
    const m = tf.grad((t: tf.Tensor) => tf.sum(jsDivergence({ logits: t }, { logits: [0, -Infinity, 1] })))(tf.tensor1d([1e4, -Infinity, 0]));
    expectFinite(m, 'masked gradient');
    tf.dispose([l, g, m]);
  });

  it('names mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => jsDivergence({ probs: [0.5, 0.5] }, { probs: [1.2, -0.2] }), /jsDivergence: q.probs must be probabilities in \[0, 1\]/);
    expectThrowsClean(() => jsDistance({ probs: [0.5, 0.5] }, { probs: [1] }), /jsDistance: p and q must be laws over the same number of classes/);
    expect(true).toBe(true);
  });
});
