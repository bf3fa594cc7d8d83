import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, chiSquare, chiSquareCritical, countLabels, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { Categorical } from './categorical.js';
import { discreteCases, klToUniformCases, statCase } from '../test/golden.js';

describe('Categorical against divergences.json', () => {
  it('entropy_p of the discrete cases (some with zero probabilities: 0·log 0 = 0)', () => {
    const cases = discreteCases();
    expect(cases.some((c) => c.p.includes(0))).toBe(true);
    for (const c of cases) {
      const d = new Categorical({ probs: c.p });
      const h = expectNoLeaks(() => d.entropy());
      expectClose(h, c.entropy_p, { rtol: 1e-5, atol: 1e-6, label: `p = [${c.p}]` });
      h.dispose();
      d.dispose();
    }
  });

  it('kl_to_uniform: entropy and probabilities from logits (K up to 30)', () => {
    for (const c of klToUniformCases()) {
      const d = new Categorical({ logits: c.logits });
      const [h, q] = expectNoLeaks(() => [d.entropy(), d.probsParameter()]);
      expectClose(h!, c.entropy, { rtol: 1e-5, atol: 1e-6, label: `K = ${c.K}` });
      expectClose(q!, c.q, { rtol: 1e-5, atol: 1e-7 });
      tf.dispose([h!, q!]);
      d.dispose();
    }
  });
});

describe('Categorical', () => {
  it('samples int32 indices at softmax(logits) (chi-square, K = 5, N = 10000); masked classes are never drawn', () => {
    const c = statCase('gumbel_max_K5');
    const d = new Categorical({ logits: [c.logits, [...c.logits.slice(0, 4), -Infinity]] });
    const s = d.sample([10000], { seed: 8 });
    expect(s.dtype).toBe('int32');
    expect(s.shape).toEqual([10000, 2]);
    const v = s.arraySync() as number[][];
    const { statistic, df } = chiSquare(countLabels(v.map((r) => r[0]!), 5), c.probs);
    expect(df).toBe(4);
    expect(statistic).toBeLessThan(chiSquareCritical(4));
    const masked = countLabels(v.map((r) => r[1]!), 5);
    expect(masked[4]).toBe(0);
    const live = c.probs.slice(0, 4);
    const z = live.reduce((a, b) => a + b, 0);
    expect(chiSquare(masked.slice(0, 4), live.map((p) => p / z)).statistic).toBeLessThan(chiSquareCritical(3));
    // power: sampling argmax(logits/2 + g) (a wrong temperature) is rejected by the same test
    const wrong = new Categorical({ logits: c.logits.map((l) => l / 2) });
    const w = wrong.sample([10000], { seed: 8 });
    expect(chiSquare(countLabels(w.dataSync(), 5), c.probs).statistic).toBeGreaterThan(chiSquareCritical(4));
    tf.dispose([s, w]);
    d.dispose();
    wrong.dispose();
  });

  it('logProb picks log π_k, broadcasts sample indices against the batch, and gives −Infinity off the support', () => {
    const d = new Categorical({ probs: [[0.2, 0.3, 0.5], [0, 0.5, 0.5]] });
    const lp = expectNoLeaks(() => d.logProb([[0, 0], [2, 1], [3, -1]])); // [3, 2]
    expectClose(lp, [[Math.log(0.2), null], [Math.log(0.5), Math.log(0.5)], [null, null]], { rtol: 1e-6 });
    const k = tf.tensor1d([1, 2], 'int32');
    const lp2 = d.logProb(k);
    expectClose(lp2, [Math.log(0.3), Math.log(0.5)], { rtol: 1e-6 });
    const p = d.prob([1, 1]);
    expectClose(p, [0.3, 0.5], { rtol: 1e-6 });
    const mode = d.mode();
    expect(Array.from(mode.dataSync())).toEqual([2, 1]);
    tf.dispose([lp, k, lp2, p, mode]);
    d.dispose();
  });

  it('logProb and entropy are differentiable in the logits, finite with a −Infinity mask', () => {
    const k = tf.tensor1d([0, 2, 2, 1], 'int32');
    checkGradient((l) => tf.sum(new Categorical({ logits: l }).logProb(k)) as tf.Scalar, tf.tensor1d([0.3, -1, 2]), { eps: 1e-2 });
    checkGradient((l) => new Categorical({ logits: l }).entropy() as tf.Scalar, tf.tensor1d([0.3, -1, 2]), { eps: 1e-2 });
    const g = tf.grad((l: tf.Tensor) => tf.add(new Categorical({ logits: l }).entropy(), tf.sum(new Categorical({ logits: l }).logProb([0, 1]))))(tf.tensor1d([0, 1, -Infinity]));
    expectFinite(g);
    expect(g.dataSync()[2]).toBe(0);
    tf.dispose([k, g]);
  });

  it('is the Categorical family on class indices, with no rsample at all (a discrete law has no pathwise gradient)', () => {
    const d = new Categorical({ logits: [0, 1] });
    expect([d.family, d.support]).toEqual(['Categorical', 'index']);
    expect('rsample' in d).toBe(false);
    d.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new Categorical({ probs: [0.5, -0.1] }), /Categorical: params\.probs must be probabilities in \[0, 1\], got values in \[-0\.1/);
    expectThrowsClean(() => new Categorical({ logits: 3 }), /Categorical: params\.logits must be a tensor of rank ≥ 1 with the categories on the last axis/);
    const d = new Categorical({ logits: [0, 1] });
    const b = tf.tensor1d([1], 'bool');
    expectThrowsClean(() => d.logProb(b), /Categorical\.logProb: k must be an int32 \(or float32\) tensor of class indices, got a bool tensor/);
    expectThrowsClean(() => d.sample([1, 0.5]), /Categorical\.sample: sampleShape must be an array of non-negative integers/);
    b.dispose();
    d.dispose();
  });
});
