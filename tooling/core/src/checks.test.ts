import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { broadcastShapes, checkBoolean, checkFunction, checkInteger, checkNumber, checkObject, checkOneOfValues, checkTensorArg, sameShape, showShape } from './checks.js';

describe('shared argument checks', () => {
  it('accept what they should', () => {
    expect(checkNumber('f', 'a', 0.5, { above: 0, below: 1 })).toBe(0.5);
    expect(checkInteger('f', 'n', 3, { min: 1 })).toBe(3);
    expect(checkBoolean('f', 'b', false)).toBe(false);
    expect(checkObject('f', 'o', { a: 1 })).toEqual({ a: 1 });
    expect(checkOneOfValues('f', 'r', 'sum', ['mean', 'sum'])).toBe('sum');
    expect(checkTensorArg('f', 'x', [[1, 2]], 2)).toEqual([1, 2]);
    expect(broadcastShapes('f', 'p and q', [3, 1], [4])).toEqual([3, 4]);
    expect(sameShape([1, 2], [1, 2])).toBe(true);
    expect(showShape([2, 3])).toBe('shape [2, 3]');
    expect(checkFunction('f', 'g', () => 1)).toBeTypeOf('function');
  });
  it('refuse what they should, naming argument, expectation and value', () => {
    expect(() => checkNumber('f', 'options.decay', 1, { above: 0, below: 1 })).toThrow('f: options.decay must be a finite number > 0 and < 1, got 1');
    expect(() => checkNumber('f', 'x', NaN)).toThrow('f: x must be a finite number, got NaN');
    expect(() => checkInteger('f', 'options.samples', 1.5, { min: 1 })).toThrow('f: options.samples must be an integer ≥ 1, got 1.5');
    expect(() => checkBoolean('f', 'b', 1)).toThrow('f: b must be a boolean, got 1');
    expect(() => checkFunction('f', 'g', 3)).toThrow('f: g must be a function, got 3');
    expect(() => checkObject('f', 'o', [1])).toThrow('f: o must be an object, got [1]');
    expect(() => checkOneOfValues('f', 'r', 'x', ['mean', 'sum'])).toThrow("f: r must be one of 'mean', 'sum', got x");
    const i = tf.tensor1d([1], 'int32');
    expect(() => checkTensorArg('f', 'x', i)).toThrow('f: x must be a float32 tensor, got a int32 tensor of shape [1]');
    i.dispose();
    expect(() => checkTensorArg('f', 'x', 1, 1)).toThrow('f: x must be a tensor of rank ≥ 1, got 1');
    expect(() => broadcastShapes('f', 'p and q', [3], [4])).toThrow('f: p and q must be broadcastable shapes, got [3] and [4]');
  });
});
