// The rational-quadratic spline itself (Durkan et al. 2019, §3.1 and appendix A; Gregory & Delbourgo
// 1982): elementwise values and log-derivatives from unnormalized bin parameters.
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable, stopGradient } from '@genmod-internal/core';

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

/** A boolean condition computed off the gradient tape (tfjs-core has no gradient for comparisons). */
function flag(cond: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]): Tensor {
  return tf.cast(nonDifferentiable((...vs) => tf.cast(cond(...vs), 'float32'), ...xs), 'bool');
}

/** t with its values clamped to [lo, hi] and its gradient passed through unchanged (the clamp only absorbs rounding). */
function clampRounding(t: Tensor, lo: Tensor | number, hi: Tensor | number): Tensor {
  return tf.add(t, stopGradient(tf.sub(tf.minimum(tf.maximum(t, lo), hi), t)));
}

/**
 * The knots of the spline from unnormalized parameters `[..., 3K − 1]`: x and y positions `[..., K + 1]`
 * and derivatives `[..., K + 1]`. The outer knots are set to exactly −B and +B (not accumulated: a cumsum
 * of widths ends a few ulps off B), and the outer derivatives are exactly 1 (linear tails).
 */
export function splineKnots(raw: Tensor, p: SplineParams): { knotsX: Tensor; knotsY: Tensor; derivs: Tensor } {
  const { bins: k, bound: b } = p;
  const ones = tf.onesLike(lastSlice(raw, 0, 1));
  const knots = (unnormalized: Tensor, min: number) => {
    const sizes = tf.mul(2 * b, tf.add(min, tf.mul(1 - k * min, tf.softmax(unnormalized))));
    const interior = tf.sub(lastSlice(tf.cumsum(sizes, sizes.rank - 1), 0, k - 1), b); // [..., K − 1]
    return tf.concat([tf.mul(ones, -b), tf.minimum(tf.maximum(interior, -b), b), tf.mul(ones, b)], -1);
  };
  // raw 0 gives derivative 1: min + softplus(c) = 1 with c = log(expm1(1 − min))
  const c = Math.log(Math.expm1(1 - p.minDerivative));
  const derivs = tf.concat([ones, tf.add(p.minDerivative, tf.softplus(tf.add(lastSlice(raw, 2 * k, k - 1), c))), ones], -1);
  return { knotsX: knots(lastSlice(raw, 0, k), p.minBinWidth), knotsY: knots(lastSlice(raw, k, k), p.minBinHeight), derivs };
}

/**
 * The elementwise monotone rational-quadratic spline on [−B, B], identity outside (linear tails), from
 * unnormalized parameters `[..., 3K − 1]` (K widths, K heights, K − 1 interior derivatives). With all
 * parameters 0 it is the identity. Returns [value, log|derivative|] elementwise.
 *
 * Bin widths and heights are differences of the knots, so ξ is exactly 0 or 1 at a knot; values are
 * interpolated from the nearer end of the bin (exact at both knots) and clamped to the bin, so a point at
 * a knot lands on the knot both ways and ±B are fixed points with derivative 1. The inverse takes the root
 * of a·ξ² + b·ξ + c = 0 in the form that does not cancel: ξ = 2c / (−b − √(b² − 4ac)) when b ≥ 0 and
 * ξ = (−b + √(b² − 4ac)) / 2a when b < 0 (the same root; steep knots make b < 0 near the top of a bin).
 */
export function rqSpline(v: Tensor, raw: Tensor, p: SplineParams, inverse: boolean): [Tensor, Tensor] {
  const { bins: k, bound: b } = p;
  const { knotsX, knotsY, derivs } = splineKnots(raw, p);

  const inside = nonDifferentiable((vv) => tf.cast(tf.logicalAnd(tf.greaterEqual(vv, -b), tf.lessEqual(vv, b)), 'float32'), v);
  const vc = tf.clipByValue(v, -b, b);
  const oh = binOneHot(vc, inverse ? knotsY : knotsX, k);
  const pick = (t: Tensor, first: number) => tf.sum(tf.mul(oh, lastSlice(t, first, k)), -1);
  const [xk, xk1, yk, yk1, dk, dk1] = [pick(knotsX, 0), pick(knotsX, 1), pick(knotsY, 0), pick(knotsY, 1), pick(derivs, 0), pick(derivs, 1)];
  const wk = tf.sub(xk1, xk);
  const hk = tf.sub(yk1, yk);
  const sk = tf.div(hk, wk);
  const sumD = tf.sub(tf.add(dk1, dk), tf.mul(2, sk));

  // ξ, η and the value are computed from v with its gradient stopped, so they carry the parameters'
  // gradients only; the gradient in v is added analytically below (differentiating the closed form term by
  // term cancels in float32 where the knot derivatives are large and dy/dx is small)
  const vs = stopGradient(vc);
  let xi: Tensor; // ξ = (x − x_k)/w
  let eta: Tensor; // η = 1 − ξ = (x_{k+1} − x)/w, computed from the nearer knot
  let out: Tensor;
  if (!inverse) {
    xi = clampRounding(tf.div(tf.sub(vs, xk), wk), 0, 1);
    eta = clampRounding(tf.div(tf.sub(xk1, vs), wk), 0, 1);
    const den = tf.add(sk, tf.mul(sumD, tf.mul(xi, eta)));
    // y − y_k = h ξ(sξ + δ_k η)/den and y_{k+1} − y = h η(sη + δ_{k+1} ξ)/den: from the nearer knot
    const up = tf.div(tf.mul(hk, tf.mul(xi, tf.add(tf.mul(sk, xi), tf.mul(dk, eta)))), den);
    const down = tf.div(tf.mul(hk, tf.mul(eta, tf.add(tf.mul(sk, eta), tf.mul(dk1, xi)))), den);
    out = clampRounding(tf.where(flag(tf.lessEqual, xi, eta), tf.add(yk, up), tf.sub(yk1, down)), yk, yk1);
  } else {
    // The spline is symmetric under (ξ, y − y_k, δ_k) ↔ (η, y_{k+1} − y, δ_{k+1}): solve for ζ, the
    // fraction of the bin from the nearer knot, a ζ² + b ζ + c = 0 with
    //   a = h(s − δ) + Δ(δ_k + δ_{k+1} − 2s),  b = hδ − Δ(δ_k + δ_{k+1} − 2s),  c = −sΔ
    // (Δ = |y − nearer y knot|, δ its derivative), so that a and b do not cancel near a steep far knot.
    const dLo = tf.sub(vs, yk);
    const dHi = tf.sub(yk1, vs);
    const top = flag(tf.greater, dLo, dHi);
    const dy = tf.where(top, dHi, dLo);
    const dn = tf.where(top, dk1, dk);
    const a = tf.add(tf.mul(hk, tf.sub(sk, dn)), tf.mul(dy, sumD));
    const bq = tf.sub(tf.mul(hk, dn), tf.mul(dy, sumD));
    const cq = tf.neg(tf.mul(sk, dy));
    const root = tf.sqrt(tf.relu(tf.sub(tf.square(bq), tf.mul(4, tf.mul(a, cq)))));
    const pos = flag((t) => tf.greaterEqual(t, 0), bq);
    // the same root in the form without cancellation for the sign of b (ζ = 2c/(−b − √·) or (−b + √·)/2a),
    // each with a safe denominator where it is not taken (no NaN in the gradient of the other)
    const zPos = tf.div(tf.mul(2, cq), tf.where(pos, tf.sub(tf.neg(bq), root), tf.onesLike(bq)));
    const zNeg = tf.div(tf.add(tf.neg(bq), root), tf.where(pos, tf.onesLike(a), tf.mul(2, a)));
    const zeta = clampRounding(tf.where(pos, zPos, zNeg), 0, 1);
    xi = tf.where(top, tf.sub(1, zeta), zeta);
    eta = tf.where(top, zeta, tf.sub(1, zeta));
    out = clampRounding(tf.where(top, tf.sub(xk1, tf.mul(wk, zeta)), tf.add(xk, tf.mul(wk, zeta))), xk, xk1);
  }
  // log dy/dx = 2 log s + log(δ_{k+1} ξ² + 2 s ξη + δ_k η²) − 2 log(s + (δ_{k+1} + δ_k − 2s) ξη)
  const logDerivative = (u: Tensor, e: Tensor) => {
    const ue = tf.mul(u, e);
    const dnum = tf.add(tf.add(tf.mul(dk1, tf.square(u)), tf.mul(tf.mul(2, sk), ue)), tf.mul(dk, tf.square(e)));
    return tf.sub(tf.add(tf.mul(2, tf.log(sk)), tf.log(dnum)), tf.mul(2, tf.log(tf.add(sk, tf.mul(sumD, ue)))));
  };
  // dy/dx = g′ (dx/dy = 1/g′) and dξ/dv = (dx/dv)/w, attached through dv = v − sg(v) (0, gradient 1)
  const slope = stopGradient(tf.exp(logDerivative(xi, eta)));
  const dxdv = inverse ? tf.div(1, slope) : tf.onesLike(slope);
  const dv = tf.sub(vc, vs);
  const dxi = tf.mul(dv, stopGradient(tf.div(dxdv, wk)));
  out = tf.add(out, tf.mul(dv, inverse ? dxdv : slope));
  const logDeriv = logDerivative(tf.add(xi, dxi), tf.sub(eta, dxi));
  const value = tf.add(tf.mul(inside, out), tf.mul(tf.sub(1, inside), v));
  const ld = tf.mul(inside, inverse ? tf.neg(logDeriv) : logDeriv);
  return [value, ld];
}
