/**
 * Gumbel(μ, β) log-density and log-CDF as functions of z = (x − μ)/β with written-out gradients that stay
 * finite far in the left tail (log-space where e^(−z) overflows); see Gumbel.logProb / logCdf.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable, reduceTo } from '@genmod-internal/core';

/** Sums a broadcast gradient back to `shape` (the input's shape before broadcasting). */
/**
 * A function of z = d/β (d = x − μ) whose gradient is written out: `value(z, β)` gives the result, and
 * `grads(z, β, log β)` the pair (∂/∂d, ∂/∂β), broadcast, each computed so that no product overflows before
 * its division by β.
 */
function gumbelOfZ(value: (z: Tensor, beta: Tensor) => Tensor, grads: (z: Tensor, beta: Tensor, logB: Tensor) => [Tensor, Tensor]) {
  return (d: Tensor, scale: Tensor): Tensor => {
    const node = tf.customGrad((...args: unknown[]) => {
      const [dd, beta] = args as [Tensor, Tensor];
      const save = args[2] as (ts: Tensor[]) => void;
      save([dd, beta]);
      return {
        value: value(tf.div(dd, beta), beta),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [d0, b0] = saved as [Tensor, Tensor];
          // z recomputed from the inputs (not saved from the forward pass), so second derivatives see it
          const [gd, gb] = grads(tf.div(d0, b0), b0, tf.log(b0));
          // dy = 0 (e.g. from cdf = exp(log F) = 0 in the far left tail) contributes 0, even against an overflowed factor
          const times = (g: Tensor) => tf.where(nonDifferentiable((v) => tf.equal(v, 0), dy), tf.zerosLike(g), tf.mul(dy, g));
          return [reduceTo(times(gd), d0.shape), reduceTo(times(gb), b0.shape)];
        },
      };
    });
    return (node as (a: Tensor, b: Tensor) => Tensor)(d, scale);
  };
}

/**
 * where(ok, f(z), g(z)) with each branch fed only its own elements (the other ones replaced by `fill`), so
 * no branch holds an Infinity or NaN that a second derivative would multiply by the zero gradient that
 * tf.where sends it (0·Infinity = NaN). `ok` is a mask with no place on the gradient tape.
 */
function select(ok: Tensor, z: Tensor, fill: [number, number], f: (z: Tensor) => Tensor, g: (z: Tensor) => Tensor): Tensor {
  const zf = tf.where(ok, z, tf.fill(z.shape, fill[0]));
  const zg = tf.where(ok, tf.fill(z.shape, fill[1]), z);
  return tf.where(ok, f(zf), g(zg));
}

/** A mask of the z where `fn(z)` is finite, with no place on the gradient tape. */
function finiteAt(z: Tensor, fn: (z: Tensor) => Tensor): Tensor {
  return nonDifferentiable((u) => tf.isFinite(fn(u)), z);
}

/**
 * fn(z) where z ≠ `at`, 0 where z = `at` (fn is fed 0 there, so no Infinity reaches its tape): the gradient
 * at z = ±Infinity in float32, where a product such as z·e^(−z) would be Infinity·0 = NaN.
 */
function zeroAt(at: number, z: Tensor, fn: (z: Tensor) => Tensor): Tensor {
  const hit = nonDifferentiable((u) => tf.equal(u, at), z);
  const g = fn(tf.where(hit, tf.zerosLike(z), z));
  return tf.where(hit, tf.zerosLike(g), g);
}

/** e^(log(−z) − z − log β) = −z·e^(−z)/β for z < 0, where z·e^(−z) overflows float32. */
function leftTail(z: Tensor, logB: Tensor): Tensor {
  return tf.exp(tf.sub(tf.sub(tf.log(tf.neg(z)), z), logB));
}

/** e^(−z − log β) = e^(−z)/β where e^(−z) overflows float32. */
function expOver(z: Tensor, logB: Tensor): Tensor {
  return tf.exp(tf.sub(tf.neg(z), logB));
}

/**
 * log p = −log β − z − e^(−z) (−Infinity at z = −Infinity, not −Infinity + Infinity = NaN), with the gradient
 * of {@link Gumbel.logProb}: ∂/∂d = (e^(−z) − 1)/β (e^(−z − log β) where e^(−z) overflows: the −1/β is below
 * its last bit), ∂/∂β = −(1 + z·(e^(−z) − 1))/β (e^(log(−z) − z − log β) where z·e^(−z) overflows, z < 0);
 * both 0 at z = −Infinity, where the value is −Infinity.
 */
export const gumbelLogDensity = gumbelOfZ(
  (z, beta) => {
    const v = tf.sub(tf.neg(tf.add(z, tf.exp(tf.neg(z)))), tf.log(beta));
    return tf.where(tf.equal(z, -Infinity), tf.fill(v.shape, -Infinity), v);
  },
  (z, beta, logB) => {
    const em1 = (u: Tensor) => tf.expm1(tf.neg(u));
    return [
      zeroAt(-Infinity, z, (w) => select(finiteAt(w, em1), w, [0, 0], (u) => tf.div(em1(u), beta), (u) => expOver(u, logB))),
      zeroAt(-Infinity, z, (w) =>
        select(finiteAt(w, (u) => tf.mul(u, em1(u))), w, [0, -1], (u) => tf.div(tf.neg(tf.add(tf.mul(u, em1(u)), 1)), beta), (u) => leftTail(u, logB)),
      ),
    ];
  },
);

/**
 * log F = −e^(−z), with the gradient of {@link Gumbel.logCdf}: ∂/∂d = e^(−z)/β, ∂/∂β = −z·e^(−z)/β, each in
 * log space where its product overflows; ∂/∂β is 0 at z = +Infinity (its limit, not Infinity·0 = NaN).
 */
export const gumbelLogCdf = gumbelOfZ(
  (z) => tf.neg(tf.exp(tf.neg(z))),
  (z, beta, logB) => {
    const ex = (u: Tensor) => tf.exp(tf.neg(u));
    return [
      select(finiteAt(z, ex), z, [0, 0], (u) => tf.div(ex(u), beta), (u) => expOver(u, logB)),
      zeroAt(Infinity, z, (w) => select(finiteAt(w, (u) => tf.mul(u, ex(u))), w, [0, -1], (u) => tf.div(tf.neg(tf.mul(u, ex(u))), beta), (u) => leftTail(u, logB))),
    ];
  },
);
