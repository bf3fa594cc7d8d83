import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkOptions, checkSampleCall, editDistance, nearestKey } from './options.js';

describe('checkOptions', () => {
  it('reads undefined as {} and passes valid objects through', () => {
    expect(checkOptions('f', undefined, ['a'])).toEqual({});
    const o = { a: 1, b: undefined };
    expect(checkOptions('f', o, ['a', 'b'])).toBe(o);
  });
  it('refuses null, numbers, arrays and tensors, naming the argument', () => {
    const t = tf.scalar(1);
    for (const bad of [null, 3, [1], t]) expect(() => checkOptions('f', bad as object, [])).toThrow(/f: options must be an object, got/);
    t.dispose();
  });
  it('refuses an unknown key, suggesting the nearest valid one', () => {
    expect(() => checkOptions('gumbelSoftmax', { temprature: 0.5 }, ['temperature', 'hard', 'axis', 'seed', 'noise'])).toThrow(
      "gumbelSoftmax: unknown option 'temprature' (did you mean 'temperature'?)",
    );
    expect(() => checkOptions('f', { sed: 1 }, ['seed', 'samples'])).toThrow("f: unknown option 'sed' (did you mean 'seed'?)");
    expect(() => checkOptions('f', { Seed: 1 }, ['seed'])).toThrow("(did you mean 'seed'?)");
    expect(() => checkOptions('f', { zzzzzz: undefined }, ['seed', 'samples'])).toThrow("f: unknown option 'zzzzzz' (valid: 'seed', 'samples')");
    expect(() => checkOptions('f', { a: 1 }, [])).toThrow("f: unknown option 'a' (it takes none)");
    expect(() => checkOptions('f', { x: 1 }, ['y'], 'params')).toThrow("f: unknown key of params 'x'");
  });
  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(nearestKey('temprature', ['temperature', 'seed'])).toBe('temperature');
    expect(nearestKey('q', ['temperature'])).toBeUndefined();
  });
});

describe('checkSampleCall', () => {
  it('checks the sample shape, the bag and the seed, in that order', () => {
    expect(checkSampleCall('D.sample', [2, 3], { seed: 0 })).toEqual({ options: { seed: 0 }, seed: 0 });
    expect(checkSampleCall('D.sample', [], undefined)).toEqual({ options: {}, seed: undefined });
    expect(() => checkSampleCall('D.sample', [1.5], {})).toThrow('D.sample: sampleShape must be an array of non-negative integers, got [1.5]');
    expect(() => checkSampleCall('D.sample', [2], { sed: 1 } as object)).toThrow("D.sample: unknown option 'sed' (did you mean 'seed'?)");
    expect(() => checkSampleCall('D.sample', [2], { seed: NaN })).toThrow('D.sample: options.seed must be a finite number or a string, got NaN');
    expect(checkSampleCall('D.rsample', [2], { seed: 'a', noise: 1 }, ['seed', 'noise']).seed).toBe('a');
  });
});
