/**
 * Scale-safe p-norms and unit vectors for the sample-based estimators (the transport distances, the energy
 * distance and the embedding losses); internal, not exported from the package.
 *
 * A plain norm squares (or raises to p) the raw differences: a norm of 1e-30 underflows to
 * 0 (value 0, gradient 0) and one of 1e30 overflows to Infinity (NaN after a subtraction); these divide by
 * the largest |element| first (issue 14: never square what may leave the float32 range).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * ‖d‖_p = (Σ|d_i|^p)^(1/p) over `axis` (p ≥ 1 finite), computed as s·‖d/s‖_p with s = max|d_i| (1 where d = 0), so
 * that it neither underflows nor overflows unless the norm itself leaves the float32 range. Gradient
 * sign(d_i)·(|d_i|/‖d‖)^(p−1) (from the scaled ratios, exact by homogeneity), and 0 when ‖d‖ = 0 (the
 * minimum-norm subgradient; for p = 1, sign(0) = 0, as torch's).
 */
export function scaledNorm(d: Tensor, p: number, axis = -1): Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [Tensor, tf.GradSaveFunc];
    if (p === 1) {
      save([x]);
      return { value: tf.sum(tf.abs(x), axis), gradFunc: (dy: Tensor, [xs]: Tensor[]) => tf.mul(tf.expandDims(dy, axis), tf.sign(xs!)) };
    }
    const s = tf.max(tf.abs(x), axis, true);
    const s1 = tf.where(tf.greater(s, 0), s, tf.onesLike(s));
    const r = tf.div(x, s1); // |r| ≤ 1, max |r| = 1
    const nr = p === 2 ? tf.sqrt(tf.sum(tf.square(r), axis, true)) : tf.pow(tf.sum(tf.pow(tf.abs(r), p), axis, true), 1 / p);
    save([r, nr]);
    return {
      value: tf.squeeze(tf.mul(nr, s1), [axis < 0 ? x.rank + axis : axis]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [rs, ns] = saved as [Tensor, Tensor];
        const positive = tf.greater(ns, 0);
        const ratio = tf.div(rs, tf.where(positive, ns, tf.onesLike(ns))); // d_i/‖d‖, in [−1, 1]
        const g = p === 2 ? ratio : tf.mul(tf.sign(ratio), tf.pow(tf.abs(ratio), p - 1));
        return tf.mul(tf.expandDims(dy, axis), tf.where(tf.broadcastTo(positive, g.shape), g, tf.zerosLike(g)));
      },
    };
  });
  return f(d);
}

/**
 * x/max(‖x‖₂, floor) along the last axis (as `torch.nn.functional.normalize`), with the norm from
 * {@link scaledNorm} and the gradient in projected form (g − u·(u·g))/‖x‖ (g/floor below the floor), which
 * neither squares ‖x‖ nor cancels two O(‖g‖/‖x‖) terms: exactly 0 in one dimension, finite at norms 1e±30.
 */
export function unitVectors(x: Tensor, floor: number): Tensor {
  const f = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [v, save] = args as [Tensor, tf.GradSaveFunc];
    const n = tf.expandDims(scaledNorm(v, 2, -1), -1);
    const big = tf.greater(n, floor);
    const u = tf.div(v, tf.maximum(n, floor));
    save([u, n, big]);
    return {
      value: u,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [us, ns, bs] = saved as [Tensor, Tensor, Tensor];
        const projected = tf.sub(dy, tf.mul(us, tf.sum(tf.mul(us, dy), -1, true)));
        return tf.where(tf.broadcastTo(bs, dy.shape), tf.div(projected, tf.maximum(ns, floor)), tf.div(dy, floor));
      },
    };
  });
  return f(x);
}
