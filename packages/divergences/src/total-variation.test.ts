import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { totalVariation } from './total-variation.js';
import { TOL, divergences } from '../test/golden.js';

const discrete = divergences().discrete;

describe('totalVariation', () => {
  it('matches divergences.json discrete (7 pairs, as one batch) in both directions', () => {
    const byK = new Map<number, typeof discrete>();
    for (const c of discrete) byK.set(c.p.length, [...(byK.get(c.p.length) ?? []), c]);
    for (const cases of byK.values()) {
      const tv = expectNoLeaks(() => totalVariation({ probs: cases.map((c) => c.p) }, { probs: cases.map((c) => c.q) }));
      expectClose(tv, cases.map((c) => c.total_variation), TOL);
      const rev = totalVariation({ probs: cases.map((c) => c.q) }, { probs: cases.map((c) => c.p) });
      expectClose(rev, cases.map((c) => c.total_variation), TOL);
      tf.dispose([tv, rev]);
    }
  });

  it('from logits, with gradients matching finite differences', () => {
    const tv = totalVariation({ logits: [0, -Infinity] }, { logits: [0, 0] });
    expectClose(tv, 0.5, TOL);
    const l = tf.tensor1d([0.3, -1, 2]);
    checkGradient((t) => totalVariation({ logits: t }, { logits: [0, 1, 0.5] }) as tf.Scalar, l);
    tf.dispose([tv, l]);
  });

  it('names mistakes', () => {
    expectThrowsClean(() => totalVariation({ probs: [0.5, 0.5] }, { probs: [0.2, 0.3, 0.5] }), /totalVariation: p and q must be laws over the same number of classes/);
    expectThrowsClean(() => totalVariation({ probs: [0.5, 1.5] }, { probs: [0.5, 0.5] }), /totalVariation: p.probs must be probabilities in \[0, 1\]/);
  });
});
