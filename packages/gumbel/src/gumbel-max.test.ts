import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { chiSquare, chiSquareCritical, countLabels, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { gumbelMax } from './gumbel-max.js';
import { gumbelSoftmaxCases, statCase } from '../test/golden.js';

describe('gumbelMax', () => {
  it.each(gumbelSoftmaxCases().map((c) => [`B=${c.B}, K=${c.K}`, c] as const))('gives the golden argmax(logits + g) with fixed noise (%s)', (_n, c) => {
    const k = expectNoLeaks(() => gumbelMax(c.logits, { noise: c.g }));
    expect(k.dtype).toBe('int32');
    expect(Array.from(k.dataSync())).toEqual(c.gumbel_max_argmax);
    k.dispose();
  });

  it.each([
    ['gumbel_max_K5', 10000],
    ['gumbel_max_K10', 20000],
  ] as const)('draws Categorical(softmax(logits)): chi-square on %s, N = %d, alpha 1e-3', (name, n) => {
    const c = statCase(name);
    const logits = tf.tile(tf.tensor2d([c.logits]), [n, 1]);
    const k = expectNoLeaks(() => gumbelMax(logits, { seed: 2024 }));
    const { statistic, df } = chiSquare(countLabels(k.dataSync(), c.logits.length), c.probs);
    expect(df).toBe(c.df);
    expect(statistic).toBeLessThan(chiSquareCritical(df));
    tf.dispose([logits, k]);
  });

  it('the chi-square test catches a wrong sampler (argmax(logits/2 + g))', () => {
    const c = statCase('gumbel_max_K10');
    const n = 20000;
    const half = tf.tile(tf.tensor2d([c.logits.map((l) => l / 2)]), [n, 1]);
    const k = gumbelMax(half, { seed: 2024 });
    expect(chiSquare(countLabels(k.dataSync(), 10), c.probs).statistic).toBeGreaterThan(chiSquareCritical(9));
    tf.dispose([half, k]);
  });

  it('never draws a masked (−Infinity) class and survives logits ±1e4', () => {
    const logits = tf.tile(tf.tensor2d([[-Infinity, 0, 1e4, -1e4, -Infinity]]), [2000, 1]);
    const k = gumbelMax(logits, { seed: 9 });
    expect(new Set(k.dataSync())).toEqual(new Set([2]));
    const l2 = tf.tile(tf.tensor2d([[-Infinity, 0.3, -Infinity, 0]]), [4000, 1]);
    const k2 = gumbelMax(l2, { seed: 10 });
    const counts = countLabels(k2.dataSync(), 4);
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(chiSquare([counts[1]!, counts[3]!], [Math.exp(0.3) / (1 + Math.exp(0.3)), 1 / (1 + Math.exp(0.3))]).statistic).toBeLessThan(chiSquareCritical(1));
    tf.dispose([logits, k, l2, k2]);
  });

  it('works along another axis', () => {
    const c = gumbelSoftmaxCases()[0]!;
    const lT = tf.transpose(tf.tensor2d(c.logits));
    const gT = tf.transpose(tf.tensor2d(c.g));
    const k = gumbelMax(lT, { noise: gT, axis: 0 });
    expect(Array.from(k.dataSync())).toEqual(c.gumbel_max_argmax);
    tf.dispose([lT, gT, k]);
  });

  it('is reproducible with a seed', () => {
    const a = gumbelMax(tf.zeros([50, 7]), { seed: 5 });
    const b = gumbelMax(tf.zeros([50, 7]), { seed: 5 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    const ints = tf.tensor2d([[1, 2]], undefined, 'int32');
    expectThrowsClean(() => gumbelMax(ints), /gumbelMax: logits must be a float32 tensor, got a int32 tensor of shape \[1, 2\]/);
    ints.dispose();
    expectThrowsClean(() => gumbelMax(3), /gumbelMax: logits must be a tensor of rank ≥ 1 .*got 3/);
    expectThrowsClean(() => gumbelMax([[1, 2]], { axis: 2 }), /gumbelMax: axis must be an integer in \[-2, 1\] for a rank-2 input, got 2/);
    expectThrowsClean(() => gumbelMax([[1, 2]], { noise: [1, 2] }), /gumbelMax: options\.noise must be of the logits' shape \[1, 2\], got shape \[2\]/);
  });
});
