// actNorm, batchNorm and luLinear: the behaviour checkBijector cannot see (initialization, statistics).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, expectThrowsClean } from '@genmod-internal/testing';
import { actNorm } from './act-norm.js';
import { batchNorm } from './batch-norm.js';
import { luLinear } from './lu-linear.js';
import { logAbsDet } from './testing.js';

const moments = (t: tf.Tensor) => tf.tidy(() => {
  const m = tf.moments(t, 0);
  return [Array.from(m.mean.dataSync()), Array.from(tf.sqrt(m.variance).dataSync())];
});

describe('actNorm', () => {
  it('initializes from the first batch so that the output is standardized (density direction)', () => {
    const norm = actNorm({ features: 2 });
    expect(norm.initialized).toBe(false);
    const data = tf.add(tf.mul(tf.randomNormal([500, 2], 0, 1, 'float32', 1), [3, 0.2]), [5, -1]);
    const { x, logDet } = norm.inverse(data);
    expect(norm.initialized).toBe(true);
    const [mean, sd] = moments(x);
    expectClose(mean!, [0, 0], { atol: 1e-5, rtol: 0, label: 'mean' });
    expectClose(sd!, [1, 1], { atol: 1e-4, rtol: 0, label: 'sd' });
    // log-det = −Σ log sd(data)
    const [mData, sdData] = moments(data);
    expectClose(tf.slice(logDet, 0, 1), [-Math.log(sdData![0]!) - Math.log(sdData![1]!)], { atol: 1e-5, rtol: 0, label: 'logDet' });
    // the second batch does not re-initialize
    const again = norm.inverse(tf.zeros([3, 2]));
    expectClose(tf.slice(again.x, [0, 0], [1, 2]), [[-mData![0]! / sdData![0]!, -mData![1]! / sdData![1]!]], { atol: 1e-3, rtol: 1e-3, label: 'fixed map' });
    norm.dispose();
  });

  it('initializes from forward too (the output of the first call is standardized)', () => {
    const norm = actNorm({ features: 3 });
    const z = tf.add(tf.mul(tf.randomNormal([400, 3], 0, 1, 'float32', 2), 4), 2);
    const [mean, sd] = moments(norm.forward(z).y);
    expectClose(mean!, [0, 0, 0], { atol: 1e-5, rtol: 0, label: 'mean' });
    expectClose(sd!, [1, 1, 1], { atol: 1e-4, rtol: 0, label: 'sd' });
    norm.dispose();
  });
});

describe('batchNorm', () => {
  it('normalizes with batch statistics in training and updates the running averages', () => {
    const bn = batchNorm({ features: 2, momentum: 0.5 });
    const data = tf.add(tf.mul(tf.randomNormal([1000, 2], 0, 1, 'float32', 3), [2, 0.5]), [1, -3]);
    const { x, logDet } = bn.inverse(data);
    const [mean, sd] = moments(x);
    expectClose(mean!, [0, 0], { atol: 1e-5, rtol: 0, label: 'mean' });
    expectClose(sd!, [1, 1], { atol: 1e-3, rtol: 0, label: 'sd' });
    const [mData, sdData] = moments(data);
    // running = 0.5·initial (0, 1) + 0.5·batch
    expectClose(bn.runningMean, mData!.map((m) => 0.5 * m), { atol: 1e-5, rtol: 1e-5, label: 'running mean' });
    expectClose(bn.runningVariance, sdData!.map((s) => 0.5 + 0.5 * s * s), { atol: 1e-4, rtol: 1e-4, label: 'running variance' });
    expectClose(tf.slice(logDet, 0, 1), [-0.5 * (Math.log(sdData![0]! ** 2 + 1e-5) + Math.log(sdData![1]! ** 2 + 1e-5))], { atol: 1e-4, rtol: 0, label: 'logDet' });
    bn.training = false;
    const before = Array.from(bn.runningMean.dataSync());
    bn.inverse(data);
    expect(Array.from(bn.runningMean.dataSync())).toEqual(before);
    bn.dispose();
  });

  it('rejects a single point in training mode', () => {
    const bn = batchNorm({ features: 2 });
    const one = tf.zeros([1, 2]);
    expectThrowsClean(() => bn.inverse(one), /batchNorm\.inverse: y must be a batch of at least 2 points in training mode/);
    one.dispose();
    bn.dispose();
  });
});

describe('luLinear', () => {
  it('the log-det is log|det W| of the dense matrix W = P·L·U it applies', () => {
    const lin = luLinear({ features: 4, seed: 5, permutation: [1, 3, 0, 2] });
    // train a little so log u moves away from 0
    const opt = tf.train.sgd(0.01);
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 6);
    for (let i = 0; i < 2; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(lin.forward(x).y, 1))) as tf.Scalar, false, lin.trainableVariables);
    // W's rows are the images of the basis vectors
    const { y, logDet } = lin.forward(tf.eye(4));
    const w = y.arraySync() as number[][];
    expect(Math.abs(logDet.dataSync()[0]! - logAbsDet(w))).toBeLessThan(1e-5);
    expect(Math.abs(logDet.dataSync()[0]!)).toBeGreaterThan(1e-3);
    opt.dispose();
    lin.dispose();
  });

  it('names the argument on bad input', () => {
    expectThrowsClean(() => luLinear({ features: 3, permutation: [0, 1, 1] }), /luLinear: options\.permutation must be a permutation of 0, …, 2, got \[0, 1, 1\]/);
    expectThrowsClean(() => actNorm({ features: 1.5 }), /actNorm: options\.features must be an integer ≥ 1, got 1\.5/);
    expectThrowsClean(() => batchNorm({ features: 2, momentum: 2 }), /batchNorm: options\.momentum must be a finite number > 0 and ≤ 1, got 2/);
  });
});
