/**
 * The standardized variable z = (x − μ)/σ of a location-scale law, with a gradient that never squares σ.
 *
 * tfjs's division gradient is −dy·a/b²: b² overflows for σ > 1.8e19 and underflows for σ < 5e−20, so
 * ∂z/∂σ came out 0, ±Infinity or NaN where the true value is an ordinary number. Here the backward pass is
 * written out: ∂/∂d = dy/σ, ∂/∂σ = −((z/σ)·dy) (z/σ first: finite whenever the product is, since |dy| ≤ |z|
 * or |dy| ≤ 1 for the log-densities that use it), ∂/∂log σ = −dy·z.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 (z = (x − μ)/σ); Goldberg 1991, "What every computer
 *      scientist should know about floating-point arithmetic" (order of products).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Sums a broadcast gradient back to `shape` (the input's shape before broadcasting). */
export function reduceTo(g: Tensor, shape: number[]): Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, g.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape);
}

/**
 * e^(−l)·v, exact for l = log σ anywhere in the float32 range: the factor is split into two halves
 * e^(−l/2) (each finite for l ≥ −170), and l is clamped at −170, below which any nonzero v gives ±Infinity
 * in both the true and the computed product (|v| ≥ 2⁻¹⁴⁹ and e^170 > 2¹⁴⁹·2¹²⁸), while v = 0 gives 0 (not
 * 0·Infinity = NaN).
 */
export function mulExpNeg(v: Tensor, l: Tensor): Tensor {
  return tf.tidy(() => {
    const half = tf.exp(tf.mul(tf.maximum(l, -170), -0.5));
    return tf.mul(tf.mul(v, half), half);
  });
}

/**
 * z = d/σ (σ given, `log` false) or z = d·e^(−log σ) (log σ given, `log` true), broadcast, with the
 * gradients above. `d` = x − μ.
 */
export function standardize(d: Tensor, s: Tensor, log: boolean): Tensor {
  const node = tf.customGrad((...args: unknown[]) => {
    const [dd, ss] = args as [Tensor, Tensor];
    const save = args[2] as (ts: Tensor[]) => void;
    const z = log ? mulExpNeg(dd, ss) : tf.div(dd, ss);
    save([dd, ss, z]);
    return {
      value: z,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [d0, s0, z0] = saved as [Tensor, Tensor, Tensor];
        const gd = log ? mulExpNeg(dy, s0) : tf.div(dy, s0);
        const gs = log ? tf.neg(tf.mul(dy, z0)) : tf.neg(tf.mul(tf.div(z0, s0), dy));
        return [reduceTo(gd, d0.shape), reduceTo(gs, s0.shape)];
      },
    };
  });
  return (node as (a: Tensor, b: Tensor) => Tensor)(d, s);
}
