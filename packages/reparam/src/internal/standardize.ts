/**
 * The standardized variable z = (x − μ)/σ of a location-scale law, with a gradient that never squares σ.
 *
 * tfjs's division gradient is −dy·a/b²: b² overflows for σ > 1.8e19 and underflows for σ < 5e−20, so
 * ∂z/∂σ came out 0, ±Infinity or NaN where the true value is an ordinary number. Here the backward pass is
 * written out: ∂/∂d = dy/σ, ∂/∂σ = −dy·z·(1/σ) (the largest and smallest factor first: finite whenever the
 * product is), ∂/∂log σ = −dy·z (both with dy = 0 against z = ±Infinity read as 0).
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114 (z = (x − μ)/σ); Goldberg 1991, "What every computer
 *      scientist should know about floating-point arithmetic" (order of products).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { mulExpNeg, nonDifferentiable, reduceTo } from '@genmod-internal/core';

/**
 * a·b·c with the largest and the smallest magnitude multiplied first: that partial product overflows only
 * when the whole does (if it exceeds 3.4e38, the middle factor is ≥ the smallest and the largest is finite,
 * so the middle is ≥ 1), and underflows only when the whole does or a factor is itself below 2⁻¹²⁶. A zero
 * factor gives 0 (0·Infinity read as 0).
 */
export function product3(a: Tensor, b: Tensor, c: Tensor): Tensor {
  return tf.tidy(() => {
    // masks built inside nonDifferentiable, so a second derivative through this gradient meets no comparison op
    const between = (m: Tensor, p: Tensor, q: Tensor) =>
      nonDifferentiable((x, y, w) => tf.lessEqual(tf.mul(tf.sign(tf.sub(tf.abs(x), tf.abs(y))), tf.sign(tf.sub(tf.abs(x), tf.abs(w)))), 0), m, p, q);
    const out = tf.where(between(a, b, c), tf.mul(tf.mul(b, c), a), tf.where(between(b, a, c), tf.mul(tf.mul(a, c), b), tf.mul(tf.mul(a, b), c)));
    const zero = nonDifferentiable((x, y, w) => tf.logicalOr(tf.logicalOr(tf.equal(x, 0), tf.equal(y, 0)), tf.equal(w, 0)), a, b, c);
    return tf.where(zero, tf.zerosLike(out), out);
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
    save([dd, ss]);
    return {
      value: log ? mulExpNeg(dd, ss) : tf.div(dd, ss),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [d0, s0] = saved as [Tensor, Tensor];
        // z recomputed from the inputs (not saved from the forward pass), so second derivatives see it
        const z0 = log ? mulExpNeg(d0, s0) : tf.div(d0, s0);
        const gd = log ? mulExpNeg(dy, s0) : tf.div(dy, s0);
        // dy = 0 against an overflowed z0 = ±Infinity (e.g. a cdf's flat tail) gives 0, not 0·Infinity = NaN
        const gs = tf.neg(product3(dy, z0, log ? tf.onesLike(z0) : tf.reciprocal(s0)));
        return [reduceTo(gd, d0.shape), reduceTo(gs, s0.shape)];
      },
    };
  });
  return (node as (a: Tensor, b: Tensor) => Tensor)(d, s);
}
