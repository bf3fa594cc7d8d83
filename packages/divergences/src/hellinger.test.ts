import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { hellinger } from './hellinger.js';
import { TOL, divergences } from '../test/golden.js';

const discrete = divergences().discrete;

describe('hellinger', () => {
  it.each(discrete.map((c, i) => [i, c] as const))('case %i matches divergences.json, symmetric', (_i, c) => {
    const h = expectNoLeaks(() => hellinger({ probs: c.p }, { probs: c.q }));
    expectClose(h, c.hellinger, TOL);
    const r = hellinger({ probs: c.q }, { logits: c.p.map((v) => (v === 0 ? -Infinity : Math.log(v))) });
    expectClose(r, c.hellinger, TOL);
    tf.dispose([h, r]);
  });

  it('is 1 for disjoint supports; gradients are finite at p = q and at zero-probability classes, and match finite differences', () => {
    const d = hellinger({ probs: [1, 0] }, { probs: [0, 1] });
    expectClose(d, 1, TOL);
    const p = tf.tensor1d([0, 0.4, 0.6]);
    const g = tf.grad((t: tf.Tensor) => hellinger({ probs: t }, { probs: [0, 0.4, 0.6] }, { validate: false }))(p);
    expectFinite(g, 'at p = q');
    const g0 = tf.grad((t: tf.Tensor) => hellinger({ probs: t }, { probs: [0.2, 0.3, 0.5] }, { validate: false }))(p);
    expectFinite(g0, 'at p_0 = 0');
    const l = tf.tensor1d([0.3, -1, 2]);
    checkGradient((t) => hellinger({ logits: t }, { logits: [0, 1, 0.5] }) as tf.Scalar, l);
    tf.dispose([d, p, g, g0, l]);
  });

  it('names mistakes', () => {
    expectThrowsClean(() => hellinger({ probs: [0.5, 0.5] }, { probs: [[0.2, 0.8], [0.3, 0.7], [1, 0]] }, { validate: 'yes' as never }), /hellinger: options.validate must be a boolean, got yes/);
  });
});
