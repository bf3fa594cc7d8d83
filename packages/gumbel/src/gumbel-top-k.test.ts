import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical, countLabels, expectNoLeaks, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { gumbelTopK } from './gumbel-top-k.js';
import { gumbelSoftmaxCases, topKCase } from '../test/golden.js';

/** Counts ordered k-tuples of the rows of an int32 [N, k] tensor over the golden cell list. */
function tupleCounts(idx: tf.Tensor, cells: number[][]): number[] {
  const k = idx.shape[1]!;
  const key = (t: ArrayLike<number>) => Array.from(t).join(',');
  const at = new Map(cells.map((c, i) => [key(c), i]));
  const counts = new Array<number>(cells.length).fill(0);
  const v = idx.dataSync();
  for (let r = 0; r < idx.shape[0]!; r++) {
    const i = at.get(key(v.subarray(r * k, (r + 1) * k)));
    if (i === undefined) throw new Error(`row ${r} is not a tuple of distinct classes: ${key(v.subarray(r * k, (r + 1) * k))}`);
    counts[i]!++;
  }
  return counts;
}

describe('gumbelTopK', () => {
  it.each(gumbelSoftmaxCases().map((c) => [`B=${c.B}, K=${c.K}`, c] as const))('gives the golden order of logits + g for every k (%s)', (_n, c) => {
    for (let k = 1; k <= c.K; k++) {
      const idx = expectNoLeaks(() => gumbelTopK(c.logits, k, { noise: c.g }));
      expect(idx.dtype).toBe('int32');
      expect(idx.arraySync()).toEqual(c.gumbel_topk_order.map((row) => row.slice(0, k)));
      idx.dispose();
    }
  });

  it('draws ordered pairs with their Plackett–Luce probabilities (K=4, k=2, N = 20000, 12 cells)', () => {
    const c = topKCase('gumbel_topk_K4_k2');
    const n = 20000;
    const logits = tf.tile(tf.tensor2d([c.logits]), [n, 1]);
    const idx = gumbelTopK(logits, 2, { seed: 77 });
    const { statistic, df } = chiSquare(tupleCounts(idx, c.ordered_pairs!), c.pl_probs);
    expect(df).toBe(11);
    expect(statistic).toBeLessThan(chiSquareCritical(11));
    // the same test rejects top-2 of probs + g (a classic bug)
    const wrong = tf.tile(tf.tensor2d([c.probs]), [n, 1]);
    const idxWrong = gumbelTopK(wrong, 2, { seed: 77 });
    expect(chiSquare(tupleCounts(idxWrong, c.ordered_pairs!), c.pl_probs).statistic).toBeGreaterThan(chiSquareCritical(11));
    tf.dispose([logits, idx, wrong, idxWrong]);
  });

  it('draws ordered triples with their Plackett–Luce probabilities (K=5, k=3, N = 50000, 60 cells)', () => {
    const c = topKCase('gumbel_topk_K5_k3') as ReturnType<typeof topKCase> & { inclusion_probs: number[]; first_element_probs: number[] };
    const n = 50000;
    const logits = tf.tile(tf.tensor2d([c.logits]), [n, 1]);
    const idx = gumbelTopK(logits, 3, { seed: 78 });
    const { statistic, df } = chiSquare(tupleCounts(idx, c.ordered_triples!), c.pl_probs);
    expect(df).toBe(59);
    expect(statistic).toBeLessThan(chiSquareCritical(59));
    // marginals: the first draw is softmax(logits); inclusion probabilities by z-tests (Bonferroni over 5)
    const first = tf.slice(idx, [0, 0], [n, 1]);
    expect(chiSquare(countLabels(first.dataSync(), 5), c.first_element_probs).statistic).toBeLessThan(chiSquareCritical(4));
    const included = countLabels(idx.dataSync(), 5);
    const z = 3.719; // norm.isf(1e-3 / 2 / 5), STAT_CHECKS.md §3
    c.inclusion_probs.forEach((p, i) => expect(Math.abs(included[i]! / n - p)).toBeLessThan(z * Math.sqrt((p * (1 - p)) / n)));
    expect(zCritical()).toBeLessThan(z);
    tf.dispose([logits, idx, first]);
  });

  it('puts masked classes after every live one and survives logits ±1e4', () => {
    const idx = gumbelTopK([[-Infinity, 1e4, -1e4, 0, -Infinity]], 3, { seed: 1 });
    expect(idx.arraySync()).toEqual([[1, 3, 2]]);
    idx.dispose();
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => gumbelTopK([[1, 2, 3]], 4), /gumbelTopK: k must be an integer in \[1, K\] = \[1, 3\] .*got 4/);
    expectThrowsClean(() => gumbelTopK([[1, 2, 3]], 0), /k must be an integer in \[1, K\].*got 0/);
    expectThrowsClean(() => gumbelTopK([[1, 2, 3]], 1.5), /got 1\.5/);
    expectThrowsClean(() => gumbelTopK(2, 1), /gumbelTopK: logits must be a tensor of rank ≥ 1/);
    expectThrowsClean(() => gumbelTopK([[1, 2, 3]], 2, { noise: [[1, 2]] }), /options\.noise must be of the logits' shape \[1, 3\], got shape \[1, 2\]/);
  });
});
