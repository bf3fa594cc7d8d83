import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import { checkAxis, checkLogits, checkNoise, checkOneOf, checkPositive, checkProbabilities, checkShape, checkTemperature, inferShape, nonDifferentiable, show, takeLogitsOrProbs, toFloat } from './index.js';

describe('argument checks', () => {
  it('render what came', () => {
    expect(show(tf.zeros([2, 3], 'int32'))).toBe('a int32 tensor of shape [2, 3]');
    expect(show([1, 'a'])).toBe('[1, a]');
    expect(show('')).toBe('""');
  });

  it('accept good values and name bad ones', () => {
    expect(checkTemperature('f', 0.5)).toBe(0.5);
    expectThrowsClean(() => checkTemperature('f', '1'), /f: temperature must be a finite number > 0, got 1/);
    expect(checkShape('f', [0, 3])).toEqual([0, 3]);
    expectThrowsClean(() => checkShape('f', 3), /f: shape must be an array of non-negative integers, got 3/);
    expect(checkAxis('f', -1, 3)).toBe(2);
    expectThrowsClean(() => checkAxis('f', 3, 3), /f: axis must be an integer in \[-3, 2\] for a rank-3 input, got 3/);
    expect(checkLogits('f', [[1, 2, 3]]).shape).toEqual([1, 3]);
    expect(inferShape(new Float32Array(4))).toEqual([4]);
    expectThrowsClean(() => checkNoise('f', [1, 2], [3]), /f: noise must be of the logits' shape \[3\], got shape \[2\]/);
    expect(checkOneOf('f', { probs: 1 })).toBe('probs');
    expectThrowsClean(() => toFloat('f', 'x', 'abc' as never), /f: x must be a tensor or a \(nested\) array of numbers, got abc/);
    expectThrowsClean(() => toFloat('f', 'x', [[1, 2], [3]]), /f: x must be a tensor or a rectangular array of numbers/);
  });

  it('read tensor extremes without leaking', () => {
    const p = tf.tensor1d([0, 0.5, NaN]);
    expectThrowsClean(() => checkProbabilities('f', p), /f: probs must be probabilities in \[0, 1\]/);
    expectThrowsClean(() => checkPositive('f', p, 'scale'), /f: scale must be strictly positive, got a minimum of/);
    p.dispose();
  });
});

describe('takeLogitsOrProbs', () => {
  it('keeps a caller tensor, creates (and reports) one from an array, frees it when probs are bad', () => {
    const given = tf.tensor1d([0.2, 0.8]);
    const a = takeLogitsOrProbs('D', { probs: given });
    expect(a.tensor).toBe(given);
    expect(a.created).toBeUndefined();
    expect(a.logits).toBeUndefined();
    const b = takeLogitsOrProbs('D', { logits: [[1, 2]] }, { categorical: true });
    expect(b.created).toBe(b.tensor);
    expect(b.logits).toBe(b.tensor);
    b.created?.dispose();
    expectThrowsClean(() => takeLogitsOrProbs('D', { probs: [0.5, 1.5] }), /D: params\.probs must be probabilities in \[0, 1\]/);
    expectThrowsClean(() => takeLogitsOrProbs('D', { logits: 2 }, { categorical: true }), /D: params\.logits must be a tensor of rank ≥ 1/);
    given.dispose();
  });
});

describe('nonDifferentiable', () => {
  it('lets a mask from comparison ops sit on a gradient path (tfjs-core has no gradient for Greater)', () => {
    const x = tf.tensor1d([-1, 2, 3]);
    const f = (v: tf.Tensor) => tf.sum(tf.where(nonDifferentiable((u) => tf.greater(u, 0), v), tf.square(v), tf.zerosLike(v)));
    expect(Array.from(tf.grad(f)(x).dataSync())).toEqual([0, 4, 6]);
    // without it, tfjs throws
    expect(() => tf.grad((v: tf.Tensor) => tf.sum(tf.where(tf.greater(v, 0), tf.square(v), tf.zerosLike(v))))(x)).toThrow(/gradient function not found for Greater/);
    x.dispose();
  });
});
