// clipWeights on non-finite weights, the same on every backend (issue 14, found by the differential suite: the
// wasm backend's clipByValue turned a NaN weight into −c, hiding a diverged critic; cpu kept NaN).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipWeights } from './weight-clipping.js';

describe('clipWeights on non-finite weights', () => {
  it('keeps NaN, clips ±Infinity to ±c', () => {
    const w = tf.variable(tf.tensor1d([NaN, Infinity, -Infinity, 0.3, NaN]));
    clipWeights([w], 0.5);
    const got = Array.from(w.dataSync());
    expect(Number.isNaN(got[0])).toBe(true);
    expect(Number.isNaN(got[4])).toBe(true);
    expect(got.slice(1, 4)).toEqual([0.5, -0.5, 0.30000001192092896]);
    w.dispose();
  });
});
