// The README's training loop seeds step k with `seed: step`, from step 0: with one seed scheme (0 is a seed
// like any other) two runs of it give the same losses, bit for bit, on every backend.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bernoulliLogLikelihood, elbo, linearWarmup } from './index.js';

/** The README's first example, up to its training loop: the losses of `steps` steps. */
function readmeLoop(steps: number): number[] {
  const x = tf.tidy(() => tf.gather(tf.tensor2d([[1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 1, 0, 0]]), tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 2), 'int32')));
  const init = (shape: number[], seed: number) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', seed)));
  const [we, wm, wv, wd] = [init([8, 16], 1), init([16, 2], 2), init([16, 2], 3), init([2, 8], 4)];
  const encode = (xx: tf.Tensor) => {
    const h = tf.relu(tf.matMul(xx, we));
    return { loc: tf.matMul(h, wm), logVar: tf.matMul(h, wv) };
  };
  const decode = (z: tf.Tensor) => tf.matMul(z, wd);
  const model = { x, encode, decode, likelihood: bernoulliLogLikelihood };
  const beta = linearWarmup({ steps: 50 });
  const optimizer = tf.train.adam(0.05);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = optimizer.minimize(() => elbo({ ...model, beta: beta(step), seed: step }).loss, true, [we, wm, wv, wd])!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  tf.dispose([x, we, wm, wv, wd]);
  optimizer.dispose();
  return losses;
}

describe("the README's loop (seed: step, from step 0)", () => {
  it('is reproducible bit for bit, step 0 included, and leaves nothing allocated', () => {
    const before = tf.memory().numTensors;
    const [a, b] = [readmeLoop(20), readmeLoop(20)];
    expect(b).toEqual(a);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('step 0 is seeded: its ELBO noise is the same on every call, and differs from step 1', () => {
    const draw = (seed: number) =>
      tf.tidy(() => Array.from(elbo({ x: [[1, 0]], encode: () => ({ loc: tf.zeros([1, 2]), logVar: tf.zeros([1, 2]) }), decode: (z) => z, likelihood: bernoulliLogLikelihood, seed }).reconstruction.dataSync()));
    expect(draw(0)).toEqual(draw(0));
    expect(draw(0)).not.toEqual(draw(1));
  });
});
