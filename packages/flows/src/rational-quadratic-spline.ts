/**
 * Rational-quadratic spline coupling with linear tails: the neural spline flow.
 *
 * @see Durkan, Bekasov, Murray & Papamakarios 2019, "Neural Spline Flows", NeurIPS, arXiv:1906.04032.
 * @see Gregory & Delbourgo 1982, "Piecewise rational quadratic interpolation to monotonic data", IMA J. Numer. Anal. 2(2).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network, TrainableBijector } from './bijector.js';
import { checkInteger, checkNumber, fail, toFloat } from '@genmod-internal/core';
import { checkContext, checkEventInput } from './internal/checks.js';
import { checkCouplingOptions, maskTensors, networkOwnership } from './internal/coupling.js';
import { rqSpline, type SplineParams } from './internal/spline.js';

const KEYS = ['mask', 'conditioner', 'bins', 'bound', 'minBinWidth', 'minBinHeight', 'minDerivative', 'contextSize'] as const;

/** The options of {@link rationalQuadraticSpline}. Unknown keys throw. @since 0.1.0 */
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
  /** the smallest bin width as a fraction of 2B, default 1e−3 (float32 resolves bins down to about bins·1e−6) */
  minBinWidth?: number;
  /** the smallest bin height as a fraction of 2B, default 1e−3 (float32 resolves bins down to about bins·1e−6) */
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
 * The outer knots are exactly (−B, −B) and (B, B) (set, not accumulated from the widths) with derivative 1,
 * so ±B are fixed points with dy/dx = 1 in both directions, and a point exactly at a knot lands on the
 * matching knot both ways. The inverse solves a·ζ² + b·ζ + c = 0 for ζ, the fraction of the bin measured
 * from the nearer knot (the spline is symmetric under ξ ↔ 1 − ξ, y − y_k ↔ y_{k+1} − y, δ_k ↔ δ_{k+1}), with
 * the root in the form that does not cancel for the sign of b, ζ = 2c / (−b − √(b² − 4ac)) if b ≥ 0 else
 * (−b + √(b² − 4ac)) / 2a, clamped to [0, 1]. The gradient in the input is the closed-form dy/dx (= exp of
 * the log-det) rather than autodiff of the rational function, which cancels in float32 in steep bins.
 * Both directions cost one conditioner pass. The bin search runs outside the gradient tape. Event rank 1,
 * `[..., D]`.
 *
 * State (`getState()` / `loadState()`): the conditioner's, under `net/…` (`net/0/kernel`, `net/0/bias`, …
 * for an {@link mlp}); the mask, bins and bounds are fixed by the options, not state.
 *
 * Accuracy in float32 (checked against the closed form in float64 for knot derivatives 1e−3 to 1e4 and
 * bins of width 2B·1e−3): y is within 16·ε·B·(1 + dy/dx) of g(x) (ε = 2⁻²³), the inverse x̂ satisfies
 * |g(x̂) − y| ≤ 16·ε·B·(1 + dy/dx) (in x that is 16·ε·B·(1 + dx/dy): where the spline is nearly flat, dx/dy
 * is large and x is determined only that coarsely by y), and the log-det is within about
 * 1e−5 + 16·ε·B·(1/w_k + 1/h_k) of log g′ (w_k, h_k the bin's width and height). So minBinWidth and
 * minBinHeight much below bins·1e−6 leave bins a few ulps of B wide, whose log-det (and the inverse in them)
 * float32 cannot resolve.
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
  const { d, contextSize } = checkCouplingOptions(fn, options, KEYS, '[..., D·(3K − 1)]');
  const k = checkInteger(fn, 'options.bins', options.bins ?? 8, { min: 2 });
  const p: SplineParams = {
    bins: k,
    bound: checkNumber(fn, 'options.bound', options.bound ?? 3, { above: 0 }),
    minBinWidth: checkNumber(fn, 'options.minBinWidth', options.minBinWidth ?? 1e-3, { above: 0 }),
    minBinHeight: checkNumber(fn, 'options.minBinHeight', options.minBinHeight ?? 1e-3, { above: 0 }),
    minDerivative: checkNumber(fn, 'options.minDerivative', options.minDerivative ?? 1e-3, { above: 0 }),
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
    ...networkOwnership(fn, net, [m, notM]),
  };
}
