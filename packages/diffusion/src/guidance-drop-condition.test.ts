// dropCondition: the fraction dropped against the binomial standard error, p = 0 and 1 exact, whole rows of
// embeddings, seeds (the same rows for labels and embeddings), the mask option, leaks and errors.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, expectThrowsClean, zCritical } from '@genmod-internal/testing';
import { dropCondition } from './index.js';

const Z = zCritical(1e-3);

describe('dropCondition', () => {
  it('drops a fraction p of the examples, within the binomial standard error (B = 20000; p = 0.1, 0.2, 0.5)', () => {
    const B = 20000;
    const labels = tf.tensor1d(Array.from({ length: B }, (_, b) => b % 10), 'int32');
    for (const [p, seed] of [[0.1, 0], [0.2, 'a'], [0.5, 3]] as const) {
      const out = expectNoLeaks(() => dropCondition(labels, 10, p, { seed }));
      expect(out.dtype).toBe('int32');
      const v = out.dataSync();
      const l = labels.dataSync();
      expect(v.every((z, b) => z === 10 || z === l[b]), 'each label kept or replaced by ∅').toBe(true);
      const f = v.filter((z) => z === 10).length / B;
      expect(Math.abs(f - p), `p = ${p}: dropped ${f}`).toBeLessThan(Z * Math.sqrt((p * (1 - p)) / B));
      out.dispose();
    }
    labels.dispose();
  });

  it('p = 0 keeps every condition and p = 1 drops every one, exactly; embeddings [B, E] are replaced row by row', () => {
    const emb = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const keep = dropCondition(emb, [0, 0, 0], 0, { seed: 1 });
    const all = dropCondition(emb, [[-1, -2, -3]], 1, { seed: 1 });
    expect(keep.arraySync()).toEqual(emb.arraySync());
    expect(all.arraySync()).toEqual([[-1, -2, -3], [-1, -2, -3], [-1, -2, -3]]);
    const big = tf.add(tf.zeros([1000, 4]), tf.expandDims(tf.range(1, 1001), 1));
    const half = dropCondition(big, tf.zeros([4]), 0.5, { seed: 2 });
    const rows = half.arraySync() as number[][];
    expect(rows.every((r, b) => r.every((z) => z === 0) || r.every((z) => z === b + 1)), 'whole rows kept or replaced').toBe(true);
    tf.dispose([emb, keep, all, big, half]);
  });

  it('the same seed gives the same rows (seed 0 included; for labels and embeddings alike); other seeds other rows; a mask overrides the draw', () => {
    const B = 64;
    const labels = tf.tensor1d(Array.from({ length: B }, (_, b) => b % 10), 'int32');
    const emb = tf.ones([B, 3]);
    const dropped = (t: tf.Tensor) => {
      const v = t.arraySync() as number[] | number[][];
      t.dispose();
      return v.map((z) => (Array.isArray(z) ? z[0] === 0 : z === 10));
    };
    const a = dropped(dropCondition(labels, 10, 0.3, { seed: 0 }));
    expect(dropped(dropCondition(labels, 10, 0.3, { seed: 0 }))).toEqual(a);
    expect(dropped(dropCondition(emb, [0, 0, 0], 0.3, { seed: 0 }))).toEqual(a);
    expect(dropped(dropCondition(labels, 10, 0.3, { seed: 1 }))).not.toEqual(a);
    const mask = Array.from({ length: B }, (_, b) => b % 3 === 0);
    expect(dropped(dropCondition(labels, 10, 0.3, { mask }))).toEqual(mask);
    const maskTensor = tf.tensor1d(mask.map(Number), 'float32');
    const boolMask = tf.tensor1d(mask.map(Number), 'bool');
    expect(dropped(expectNoLeaks(() => dropCondition(emb, [0, 0, 0], 0.3, { mask: maskTensor })))).toEqual(mask);
    expect(dropped(dropCondition(labels, 10, 0.9, { mask: boolMask }))).toEqual(mask);
    tf.dispose([labels, emb, maskTensor, boolMask]);
  });

  it('errors before allocating anything', () => {
    const labels = tf.tensor1d([1, 2, 3], 'int32');
    const emb = tf.ones([3, 2]);
    const [floatZero, intZeros, bools] = [tf.scalar(0), tf.zeros([2], 'int32'), tf.tensor1d([true, false], 'bool')];
    const cases: [() => unknown, RegExp][] = [
      [() => dropCondition(labels, 10, -0.1), /dropCondition: p must be a finite number ≥ 0 and ≤ 1, got -0.1/],
      [() => dropCondition(labels, 10, 1.01), /p must be .* ≤ 1, got 1.01/],
      [() => dropCondition(labels, 10, NaN), /p must be a finite number/],
      [() => dropCondition(emb, [0, 0, 0], 0.1), /nullCondition must be of one example's condition shape \[2\] or shape \[1, 2\], got shape \[3\]/],
      [() => dropCondition(labels, floatZero, 0.1), /nullCondition must be of condition's dtype int32, got a float32 tensor/],
      [() => dropCondition(emb, intZeros, 0.1), /nullCondition must be of condition's dtype float32, got a int32 tensor/],
      [() => dropCondition(labels, 10, 0.1, { seed: NaN }), /options.seed must be a finite number or a string/],
      [() => dropCondition(labels, 10, 0.1, { sed: 1 } as never), /unknown option 'sed' \(did you mean 'seed'\?\)/],
      [() => dropCondition(labels, 10, 0.1, { mask: [true, false] }), /options.mask must be booleans or 0\/1 values of shape \[3\]/],
      [() => dropCondition(labels, 10, 0.1, { mask: [1, 0, 2] }), /options.mask must be booleans or 0\/1/],
      [() => dropCondition(bools as never, 0, 0.1), /condition must be an int32 tensor of class labels/],
    ];
    for (const [call, pattern] of cases) expectThrowsClean(call, pattern);
    tf.dispose([labels, emb, floatZero, intZeros, bools]);
  });
});
