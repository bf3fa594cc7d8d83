// The rational-quadratic spline itself (Durkan et al. 2019, §3.1 and appendix A; Gregory & Delbourgo
// 1982): elementwise values and log-derivatives from unnormalized bin parameters.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable } from '@genmod-internal/core';

export interface SplineParams {
  /** K bins, B the tail bound: the spline maps [−B, B] onto itself, identity outside */
  bins: number;
  bound: number;
  minBinWidth: number;
  minBinHeight: number;
  minDerivative: number;
}

/** x[..., a:b] along the last axis. */
function lastSlice(x: Tensor, a: number, n: number): Tensor {
  return tf.slice(x, [...new Array<number>(x.rank - 1).fill(0), a], [...new Array<number>(x.rank - 1).fill(-1), n]);
}

/** The one-hot of the bin holding v: knots `[..., K + 1]` (left edges 0…K−1, right edge K). No gradient. */
function binOneHot(v: Tensor, knots: Tensor, k: number): Tensor {
  return nonDifferentiable(
    (vv, kk) => {
      const ge = tf.cast(tf.greaterEqual(tf.expandDims(vv, -1), lastSlice(kk, 1, k - 1)), 'float32'); // [..., K−1]
      const ones = tf.onesLike(lastSlice(kk, 0, 1));
      const zeros = tf.zerosLike(ones);
      return tf.sub(tf.concat([ones, ge], -1), tf.concat([ge, zeros], -1));
    },
    v,
    knots,
  );
}

/**
 * The elementwise monotone rational-quadratic spline on [−B, B], identity outside (linear tails), from
 * unnormalized parameters `[..., 3K − 1]` (K widths, K heights, K − 1 interior derivatives). With all
 * parameters 0 it is the identity. Returns [value, log|derivative|] elementwise.
 */
export function rqSpline(v: Tensor, raw: Tensor, p: SplineParams, inverse: boolean): [Tensor, Tensor] {
  const { bins: k, bound: b } = p;
  const rawW = lastSlice(raw, 0, k);
  const rawH = lastSlice(raw, k, k);
  const rawD = lastSlice(raw, 2 * k, k - 1);
  const widths = tf.mul(2 * b, tf.add(p.minBinWidth, tf.mul(1 - k * p.minBinWidth, tf.softmax(rawW))));
  const heights = tf.mul(2 * b, tf.add(p.minBinHeight, tf.mul(1 - k * p.minBinHeight, tf.softmax(rawH))));
  // raw 0 gives derivative 1: min + softplus(c) = 1 with c = log(expm1(1 − min))
  const c = Math.log(Math.expm1(1 - p.minDerivative));
  const ones = tf.onesLike(lastSlice(raw, 0, 1));
  const derivs = tf.concat([ones, tf.add(p.minDerivative, tf.softplus(tf.add(rawD, c))), ones], -1); // [..., K + 1]
  const knotsX = tf.concat([tf.mul(ones, -b), tf.sub(tf.cumsum(widths, widths.rank - 1), b)], -1); // [..., K + 1]
  const knotsY = tf.concat([tf.mul(ones, -b), tf.sub(tf.cumsum(heights, heights.rank - 1), b)], -1);

  const inside = nonDifferentiable((vv) => tf.cast(tf.logicalAnd(tf.greaterEqual(vv, -b), tf.lessEqual(vv, b)), 'float32'), v);
  const vc = tf.clipByValue(v, -b, b);
  const oh = binOneHot(vc, inverse ? knotsY : knotsX, k);
  const pick = (t: Tensor) => tf.sum(tf.mul(oh, t), -1);
  const xk = pick(lastSlice(knotsX, 0, k));
  const yk = pick(lastSlice(knotsY, 0, k));
  const wk = pick(widths);
  const hk = pick(heights);
  const dk = pick(lastSlice(derivs, 0, k));
  const dk1 = pick(lastSlice(derivs, 1, k));
  const sk = tf.div(hk, wk);
  const sumD = tf.sub(tf.add(dk1, dk), tf.mul(2, sk));

  let xi: Tensor;
  let out: Tensor;
  if (!inverse) {
    xi = tf.clipByValue(tf.div(tf.sub(vc, xk), wk), 0, 1);
    const xi1 = tf.mul(xi, tf.sub(1, xi));
    const num = tf.mul(hk, tf.add(tf.mul(sk, tf.square(xi)), tf.mul(dk, xi1)));
    const den = tf.add(sk, tf.mul(sumD, xi1));
    out = tf.add(yk, tf.div(num, den));
  } else {
    const dy = tf.sub(vc, yk);
    const a = tf.add(tf.mul(hk, tf.sub(sk, dk)), tf.mul(dy, sumD));
    const bq = tf.sub(tf.mul(hk, dk), tf.mul(dy, sumD));
    const cq = tf.neg(tf.mul(sk, dy));
    const disc = tf.relu(tf.sub(tf.square(bq), tf.mul(4, tf.mul(a, cq))));
    xi = tf.clipByValue(tf.div(tf.mul(2, cq), tf.sub(tf.neg(bq), tf.sqrt(disc))), 0, 1);
    out = tf.add(xk, tf.mul(xi, wk));
  }
  // log dy/dx = 2 log s + log(δ_{k+1} ξ² + 2 s ξ(1−ξ) + δ_k (1−ξ)²) − 2 log(s + (δ_{k+1} + δ_k − 2s) ξ(1−ξ))
  const xi1 = tf.mul(xi, tf.sub(1, xi));
  const den = tf.add(sk, tf.mul(sumD, xi1));
  const dnum = tf.add(tf.add(tf.mul(dk1, tf.square(xi)), tf.mul(tf.mul(2, sk), xi1)), tf.mul(dk, tf.square(tf.sub(1, xi))));
  const logDeriv = tf.sub(tf.add(tf.mul(2, tf.log(sk)), tf.log(dnum)), tf.mul(2, tf.log(den)));
  const value = tf.add(tf.mul(inside, out), tf.mul(tf.sub(1, inside), v));
  const ld = tf.mul(inside, inverse ? tf.neg(logDeriv) : logDeriv);
  return [value, ld];
}
