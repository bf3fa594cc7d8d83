import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { independent } from './independent.js';
import { Normal } from './normal.js';
import { Bernoulli } from './bernoulli.js';
import type { IndependentLaw, ReparameterizedDistribution } from './index.js';

describe('independent', () => {
  it('moves trailing batch dimensions into the event and sums log-probabilities and entropies over them', () => {
    const base = new Normal({ loc: tf.zeros([2, 3, 4]), scale: 2 });
    const d1 = independent(base, 1);
    const d2 = independent(base, 2);
    expect([d1.batchShape, d1.eventShape]).toEqual([[2, 3], [4]]);
    expect([d2.batchShape, d2.eventShape]).toEqual([[2], [3, 4]]);
    expect(independent(base).eventShape).toEqual([2, 3, 4]);
    const x = tf.ones([5, 2, 3, 4]);
    const r = expectNoLeaks(() => ({ base: base.logProb(x), l1: d1.logProb(x), l2: d2.logProb(x), h2: d2.entropy(), p1: d1.prob(x), m: d2.mean(), v: d2.variance(), s: d2.stddev() }));
    expect(r.l1.shape).toEqual([5, 2, 3]);
    expect(r.l2.shape).toEqual([5, 2]);
    const one = -0.5 * 0.25 - Math.log(2) - 0.5 * Math.log(2 * Math.PI);
    expectClose(r.l1, tf.fill([5, 2, 3], 4 * one), { rtol: 1e-5 });
    expectClose(r.l2, tf.fill([5, 2], 12 * one), { rtol: 1e-5 });
    expectClose(r.p1, tf.fill([5, 2, 3], Math.exp(4 * one)), { rtol: 1e-4 });
    expectClose(r.h2, [12 * (0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(2)), 12 * (0.5 * Math.log(2 * Math.PI * Math.E) + Math.log(2))], { rtol: 1e-5 });
    expect(r.m.shape).toEqual([2, 3, 4]);
    expectClose(r.v, tf.fill([2, 3, 4], 4));
    const z = d1.rsample([7], { seed: 1 });
    expect(z.shape).toEqual([7, 2, 3, 4]);
    tf.dispose([...Object.values(r), x, z, base.loc]);
    d1.dispose(); // owns its base: the base's own tensors are freed, the caller's loc is not
    expect(base.scale.isDisposed).toBe(true);
    base.dispose(); // a second dispose is harmless
  });

  it('with 0 reinterpreted dimensions is the base', () => {
    const base = new Bernoulli({ probs: [0.2, 0.7] });
    const d = independent(base, 0);
    const [a, b] = [d.logProb([1, 0]), base.logProb([1, 0])];
    expectClose(a, b);
    tf.dispose([a, b]);
    base.dispose();
  });

  it('names the argument on bad input; has rsample and moments exactly where the base does', () => {
    const base = new Bernoulli({ probs: [[0.2, 0.7]] });
    expectThrowsClean(() => independent(base, 3), /independent: reinterpretedBatchNdims must be an integer ≥ 0 and ≤ 2, got 3/);
    expectThrowsClean(() => independent(base, 1.5), /reinterpretedBatchNdims must be an integer/);
    expectThrowsClean(() => independent({} as never, 1), /independent: distribution must be a distribution \(family, batchShape, eventShape, support, sample, logProb\), got a plain object \(missing family\)/);
    const d = independent(base, 1);
    expect([d.family, d.support, d.reinterpretedBatchNdims]).toEqual(['Independent', 'binary', 1]);
    expect('rsample' in d).toBe(false);
    // @ts-expect-error: the type of independent(Bernoulli) has no rsample either
    expect(d.rsample).toBeUndefined();
    expect(typeof d.entropy).toBe('function');
    const bare = { family: 'Bare', support: 'real' as const, batchShape: [2], eventShape: [], sample: () => tf.zeros([2]), logProb: () => tf.zeros([2]) };
    const v = independent(bare, 1);
    expect(['rsample', 'entropy', 'mean', 'variance', 'stddev'].filter((k) => k in v)).toEqual([]);
    const n = new Normal({ loc: [[0, 1]], scale: 1 });
    const q = independent(n, 1);
    expect(['rsample', 'entropy', 'mean', 'variance', 'stddev'].filter((k) => k in q)).toEqual(['rsample', 'entropy', 'mean', 'variance', 'stddev']);
    expect([q.family, q.support]).toEqual(['Independent', 'real']);
    const typed: ReparameterizedDistribution & IndependentLaw<Normal> = q; // its type has rsample
    expect(typed.base).toBe(n);
    n.dispose();
    base.dispose();
  });
});
