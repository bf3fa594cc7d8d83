/**
 * Rational-quadratic spline coupling with linear tails: the neural spline flow.
 *
 * @see Durkan, Bekasov, Murray & Papamakarios 2019, "Neural Spline Flows", NeurIPS, arXiv:1906.04032.
 * @see Gregory & Delbourgo 1982, "Piecewise rational quadratic interpolation to monotonic data", IMA J. Numer. Anal. 2(2).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Bijector, Network, TrainableBijector } from './bijector.js';
import { nonDifferentiable } from '@genmod-internal/core';
import { checkContext, checkEventInput, checkPositiveInt, checkPositiveNumber, fail, toFloat } from './internal/checks.js';
import { checkCouplingOptions, maskTensors } from './internal/coupling.js';

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

export interface RationalQuadraticSplineOptions {
  /** 0/1 per coordinate, length D: 1 = passes through and conditions, 0 = transformed by the spline */
  mask: number[];
  /**
   * (x ⊙ m `[..., D]`, context?) → `[..., D·(3K − 1)]`, read as `[..., D, 3K − 1]`: per coordinate K
   * unnormalized bin widths, K heights and K − 1 interior derivatives (all 0 = the identity, so
   * {@link mlp} with its zero last layer starts the layer at the identity).
   */
  conditioner: Network;
  /** K, the number of bins (≥ 2), default 8 */
  bins?: number;
  /** B: the spline acts on [−B, B], the identity outside (linear tails), default 3 */
  bound?: number;
  /** the smallest bin width as a fraction of 2B, default 1e−3 */
  minBinWidth?: number;
  /** the smallest bin height as a fraction of 2B, default 1e−3 */
  minBinHeight?: number;
  /** the smallest knot derivative, default 1e−3 */
  minDerivative?: number;
  /** the context size C of a conditional layer, default none */
  contextSize?: number;
}

/**
 * A coupling layer whose transformed coordinates go through a monotone rational-quadratic spline with K
 * bins on [−B, B] and the identity outside (the linear tails of Durkan et al., with derivative 1 at ±B so
 * the map is C¹):
 *
 *   y = x ⊙ m + (1 − m) ⊙ g_θ(x),  θ = conditioner(x ⊙ m)
 *   in bin k, ξ = (x − x_k)/w_k, s_k = h_k/w_k:
 *   g(x) = y_k + h_k·(s_k ξ² + δ_k ξ(1−ξ)) / (s_k + (δ_{k+1} + δ_k − 2s_k) ξ(1−ξ))
 *   log g′(x) = 2 log s_k + log(δ_{k+1} ξ² + 2s_k ξ(1−ξ) + δ_k (1−ξ)²) − 2 log(s_k + (δ_{k+1} + δ_k − 2s_k) ξ(1−ξ))
 *
 * the inverse solving the quadratic in ξ in its stable form ξ = 2c / (−b − √(b² − 4ac)). Both directions
 * cost one conditioner pass. The bin search runs outside the gradient tape. Event rank 1, `[..., D]`.
 *
 * @param options `{ mask, conditioner, bins, bound, minBinWidth, minBinHeight, minDerivative, contextSize }`
 * @see Durkan et al. 2019, arXiv:1906.04032, §3.1 and appendix A
 * @example
 * ```ts
 * const layer = rationalQuadraticSpline({ mask: [1, 0], bins: 8, bound: 4, conditioner: mlp({ inputs: 2, outputs: 2 * 23, seed: 1 }) });
 * const { y, logDet } = layer.forward(tf.randomNormal([16, 2]));   // the identity at initialization
 * layer.dispose();
 * ```
 * @since 0.1.0
 */
export function rationalQuadraticSpline(options: RationalQuadraticSplineOptions): TrainableBijector {
  const fn = 'rationalQuadraticSpline';
  const { d, contextSize } = checkCouplingOptions(fn, options, '[..., D·(3K − 1)]');
  const k = checkPositiveInt(fn, 'options.bins', options.bins ?? 8);
  if (k < 2) fail(fn, 'options.bins', 'an integer ≥ 2', k);
  const p: SplineParams = {
    bins: k,
    bound: checkPositiveNumber(fn, 'options.bound', options.bound ?? 3),
    minBinWidth: checkPositiveNumber(fn, 'options.minBinWidth', options.minBinWidth ?? 1e-3),
    minBinHeight: checkPositiveNumber(fn, 'options.minBinHeight', options.minBinHeight ?? 1e-3),
    minDerivative: checkPositiveNumber(fn, 'options.minDerivative', options.minDerivative ?? 1e-3),
  };
  if (p.minBinWidth * k >= 1) fail(fn, 'options.minBinWidth', `< 1/bins = ${1 / k}`, p.minBinWidth);
  if (p.minBinHeight * k >= 1) fail(fn, 'options.minBinHeight', `< 1/bins = ${1 / k}`, p.minBinHeight);
  if (p.minDerivative >= 1) fail(fn, 'options.minDerivative', 'a number in (0, 1)', p.minDerivative);
  const net = options.conditioner;
  const { m, notM } = maskTensors(options.mask);
  const run = (name: string, arg: string, v: Tensor, context: Tensor | undefined, inverse: boolean) => {
    checkEventInput(name, arg, v, 1, d);
    checkContext(name, context, contextSize);
    return tf.tidy(name, () => {
      const $v = toFloat(name, arg, v);
      const vm = tf.mul($v, m);
      const out = net(vm, context);
      if (!(out instanceof tf.Tensor) || out.shape[out.rank - 1] !== d * (3 * k - 1)) fail(name, 'the conditioner output', `a tensor of shape [..., ${d * (3 * k - 1)}] (D·(3K − 1))`, out);
      const raw = tf.reshape(out, [...out.shape.slice(0, -1), d, 3 * k - 1]);
      const [g, ld] = rqSpline($v, raw, p, inverse);
      return [tf.add(vm, tf.mul(notM, g)), tf.sum(tf.mul(notM, ld), -1)] as const;
    });
  };
  return {
    eventRank: 1,
    forward(x: Tensor, context?: Tensor) {
      const [y, logDet] = run('rationalQuadraticSpline.forward', 'x', x, context, false);
      return { y, logDet };
    },
    inverse(y: Tensor, context?: Tensor) {
      const [x, logDet] = run('rationalQuadraticSpline.inverse', 'y', y, context, true);
      return { x, logDet };
    },
    get trainableVariables() {
      return net.trainableVariables ? [...net.trainableVariables] : [];
    },
    dispose() {
      net.dispose?.();
      m.dispose();
      notM.dispose();
    },
  };
}
