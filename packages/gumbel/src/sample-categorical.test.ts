import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical, countLabels, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { sampleCategorical } from './sample-categorical.js';
import { gumbelMax } from './gumbel-max.js';

/** The exact law: softmax(ℓ/τ) over the k largest logits, 0 elsewhere (computed in float64 on the host). */
function truncatedSoftmax(logits: number[], temperature: number, topK: number): number[] {
  const kth = [...logits].sort((a, b) => b - a)[topK - 1]!;
  const kept = logits.map((l) => l >= kth);
  const m = Math.max(...logits);
  const e = logits.map((l, i) => (kept[i] ? Math.exp((l - m) / temperature) : 0));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
}

/** Chi-square over the cells with positive probability; the zero cells must be empty. */
function checkLaw(draws: ArrayLike<number>, probs: number[]): { statistic: number; critical: number } {
  const counts = countLabels(draws, probs.length);
  probs.forEach((p, i) => {
    if (p === 0) expect(counts[i], `class ${i} is outside the top k`).toBe(0);
  });
  const live = probs.map((p, i) => [p, counts[i]!] as const).filter(([p]) => p > 0);
  const { statistic, df } = chiSquare(live.map(([, c]) => c), live.map(([p]) => p));
  return { statistic, critical: df > 0 ? chiSquareCritical(df) : Infinity };
}

// K = 10 (the tabulated chi-square critical values cover df = 1..5, 9, 11, ...)
const logits = [1.2, -0.4, 0.3, 2.0, -1.5, 0.8, 0.0, -0.7, 0.5, -2.2];
const N = 20000;

describe('sampleCategorical', () => {
  it.each([
    [1, 10],
    [0.8, 10],
    [2, 10],
    [1, 3],
    [0.5, 5],
    [1.5, 6],
    [3, 2],
  ])('draws softmax(ℓ/τ) renormalised over the top k: chi-square, τ = %d, k = %d, N = 20000, alpha 1e-3', (temperature, topK) => {
    const batch = tf.tile(tf.tensor2d([logits]), [N, 1]);
    // averaged over three seeds: each run must pass on its own
    for (const seed of [11, 12, 13]) {
      const k = expectNoLeaks(() => sampleCategorical(batch, { temperature, topK, seed }));
      expect(k.dtype).toBe('int32');
      expect(k.shape).toEqual([N]);
      const { statistic, critical } = checkLaw(k.dataSync(), truncatedSoftmax(logits, temperature, topK));
      expect(statistic).toBeLessThan(critical);
      k.dispose();
    }
    batch.dispose();
  });

  it('the chi-square test catches a sampler that ignores τ or the truncation', () => {
    const batch = tf.tile(tf.tensor2d([logits]), [N, 1]);
    const untempered = sampleCategorical(batch, { topK: 5, seed: 3 }); // τ = 1 where τ = 0.5 is claimed
    expect(checkLaw(untempered.dataSync(), truncatedSoftmax(logits, 0.5, 5)).statistic).toBeGreaterThan(chiSquareCritical(4));
    // top-3 draws against the untruncated law (a sampler that forgot the truncation would pass this)
    const top3 = sampleCategorical(batch, { topK: 3, seed: 4 });
    const full = truncatedSoftmax(logits, 1, 10);
    expect(chiSquare(countLabels(top3.dataSync(), 10), full).statistic).toBeGreaterThan(chiSquareCritical(9));
    tf.dispose([batch, untempered, top3]);
  });

  it('is gumbelMax on ℓ/τ with the same noise, and argmax when τ is tiny or k = 1', () => {
    const l = tf.tensor2d([logits, logits.map((v) => -v)]);
    const g = tf.randomUniform([2, 10], -2, 4, 'float32', 5);
    const a = sampleCategorical(l, { temperature: 0.5, noise: g });
    const b = gumbelMax(tf.div(l, 0.5), { noise: g });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const greedy = sampleCategorical(tf.tile(l, [50, 1]), { temperature: 1e-4, seed: 1 });
    expect(new Set(greedy.dataSync())).toEqual(new Set([3, 9]));
    const top1 = sampleCategorical(tf.tile(l, [50, 1]), { topK: 1, seed: 2 });
    expect(new Set(top1.dataSync())).toEqual(new Set([3, 9]));
    tf.dispose([l, g, a, b, greedy, top1]);
  });

  it('never draws a masked (−Infinity) class, also when k exceeds the unmasked classes; rank-1 logits', () => {
    const l = tf.tile(tf.tensor2d([[-Infinity, 0.3, -Infinity, 0]]), [4000, 1]);
    const k = sampleCategorical(l, { topK: 3, temperature: 2, seed: 10 });
    const counts = countLabels(k.dataSync(), 4);
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    const one = sampleCategorical([0, 5, 1], { topK: 2, seed: 1 });
    expect(one.shape).toEqual([]);
    tf.dispose([l, k, one]);
  });

  it('is reproducible with a seed and differs across seeds', () => {
    const l = tf.zeros([200, 6]);
    const [a, b, c] = [1, 1, 2].map((seed) => sampleCategorical(l, { temperature: 0.9, topK: 4, seed }));
    expect(Array.from(a!.dataSync())).toEqual(Array.from(b!.dataSync()));
    expect(Array.from(a!.dataSync())).not.toEqual(Array.from(c!.dataSync()));
    tf.dispose([l, a!, b!, c!]);
  });

  it('fails clearly, allocating nothing', () => {
    expectThrowsClean(() => sampleCategorical([[1, 2, 3]], { topK: 4 }), /^sampleCategorical: options\.topK must be an integer in \[1, K\] = \[1, 3\] \(K = the logits' last dimension\), got 4$/);
    expectThrowsClean(() => sampleCategorical([[1, 2, 3]], { topK: 0 }), /options\.topK must be an integer in \[1, K\]/);
    expectThrowsClean(() => sampleCategorical([[1, 2, 3]], { topK: 1.5 }), /options\.topK must be an integer/);
    expectThrowsClean(() => sampleCategorical([[1, 2, 3]], { temperature: 0 }), /^sampleCategorical: options\.temperature must be a finite number > 0, got 0$/);
    expectThrowsClean(() => sampleCategorical([[1, 2, 3]], { temperature: -1 }), /options\.temperature must be a finite number > 0, got -1/);
    expectThrowsClean(() => sampleCategorical([[1, 2, 3]], { noise: [[1, 2]] }), /options\.noise must be of the logits' shape \[1, 3\]/);
    expectThrowsClean(() => sampleCategorical(5), /logits must be a tensor of rank ≥ 1/);
    const ints = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => sampleCategorical(ints), /logits must be a float32 tensor/);
    ints.dispose();
  });
});
