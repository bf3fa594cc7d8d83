// Minimal laws with the SampleLogProb interface, written by hand for the tests (the package imports no
// distribution library): a reparameterized normal and a mixture of normals.
import * as tf from '@tensorflow/tfjs-core';
import type { SampleLogProb } from '../src/monte-carlo.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** N(loc, scale²), batch shape that of loc/scale, with rsample (differentiable in loc and scale). */
export function normal(loc: tf.Tensor | number, scale: tf.Tensor | number): Required<SampleLogProb> {
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(typeof loc === 'number' ? [] : loc.shape, typeof scale === 'number' ? [] : scale.shape);
  const rsample = (shape: number[], o: { seed?: number | string } = {}) =>
    tf.tidy(() => tf.add(loc, tf.mul(scale, tf.randomNormal([...shape, ...batch], 0, 1, 'float32', o.seed as number | undefined))));
  return {
    rsample,
    sample: rsample,
    logProb: (x) => tf.tidy(() => tf.sub(tf.sub(tf.mul(tf.square(tf.div(tf.sub(x, loc), scale)), -0.5), tf.log(scale)), HALF_LOG_2PI)),
  };
}

/** A 1-D mixture Σ w_k N(μ_k, σ_k²) (scalar batch), sampled by ancestral sampling (not reparameterized). */
export function mixture(weights: number[], locs: number[], scales: number[]): SampleLogProb {
  const cumulative = weights.map((_, i) => weights.slice(0, i + 1).reduce((s, w) => s + w, 0));
  return {
    sample: (shape, o = {}) =>
      tf.tidy(() => {
        const seed = (o.seed as number | undefined) ?? Math.floor(Math.random() * 1e9);
        const u = tf.randomUniform(shape, 0, 1, 'float32', seed);
        const k = tf.sum(tf.cast(tf.greater(tf.expandDims(u, -1), tf.tensor1d(cumulative.slice(0, -1))), 'int32'), -1);
        const z = tf.randomNormal(shape, 0, 1, 'float32', seed + 1);
        return tf.add(tf.gather(tf.tensor1d(locs), k), tf.mul(tf.gather(tf.tensor1d(scales), k), z));
      }),
    logProb: (x) =>
      tf.tidy(() => {
        const xe = tf.expandDims(x, -1);
        const z = tf.div(tf.sub(xe, locs), scales);
        const comp = tf.sub(tf.sub(tf.mul(tf.square(z), -0.5), tf.log(tf.tensor1d(scales))), HALF_LOG_2PI);
        return tf.logSumExp(tf.add(comp, tf.log(tf.tensor1d(weights))), -1);
      }),
  };
}
