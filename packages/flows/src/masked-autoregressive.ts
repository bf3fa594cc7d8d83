/**
 * Affine autoregressive flows: MAF (fast density, slow sampling) and IAF (fast sampling, slow density),
 * the two directions of the same masked affine map.
 *
 * @see Papamakarios, Pavlakou & Murray 2017, "Masked Autoregressive Flow for Density Estimation", NeurIPS, arXiv:1705.07057.
 * @see Kingma, Salimans, Jozefowicz, Chen, Sutskever & Welling 2016, "Improved Variational Inference with Inverse Autoregressive Flow", NeurIPS, arXiv:1606.04934.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network, TrainableBijector } from './bijector.js';
import { tanhBound } from './log-scale-bound.js';
import { checkFunction, checkInteger, checkOptions, fail, toFloat } from '@genmod-internal/core';
import { checkContext, checkEventInput } from './internal/checks.js';
import { networkOwnership } from './internal/coupling.js';

const KEYS = ['network', 'features', 'logScaleBound', 'contextSize'] as const;

/** The options of {@link maskedAutoregressive} and {@link inverseAutoregressive}. Unknown keys throw. @since 0.1.0 */
export interface MaskedAutoregressiveOptions {
  /**
   * an autoregressive network `[..., D] (+ context) → [..., 2D]`: the shift block then the raw log-scale
   * block, output i depending only on inputs before i (a {@link made} with `paramsPerFeature: 2`).
   * Its `trainableVariables` and `dispose()` are taken over.
   */
  network: Network;
  /** the number D of features (read from a `made` network when omitted) */
  features?: number;
  /** the bound applied to the raw log-scale, default `tanhBound(2)` */
  logScaleBound?: (s: Tensor) => Tensor;
  /** the context size C of a conditional flow (read from nothing: give it when the network takes a context) */
  contextSize?: number;
}


function setup(fn: string, options: MaskedAutoregressiveOptions) {
  options = checkOptions(fn, options, KEYS);
  const net = options.network;
  if (typeof net !== 'function') fail(fn, 'options.network', 'a function (x [..., D], context?) => [..., 2D] (e.g. made(...))', net);
  const fromNet = (net as { features?: unknown }).features;
  const d = checkInteger(fn, 'options.features', options.features ?? fromNet, { min: 1 });
  if (fromNet !== undefined && fromNet !== d) fail(fn, 'options.features', `the network's feature count ${String(fromNet)}`, d);
  const pp = (net as { paramsPerFeature?: unknown }).paramsPerFeature;
  if (pp !== undefined && pp !== 2) fail(fn, 'options.network', 'a network with 2 parameters per feature (shift and log-scale)', `paramsPerFeature ${String(pp)}`);
  const bound = options.logScaleBound ?? tanhBound(2);
  checkFunction(fn, 'options.logScaleBound', bound);
  const contextSize = options.contextSize === undefined ? undefined : checkInteger(fn, 'options.contextSize', options.contextSize, { min: 1 });
  const params = (name: string, u: Tensor, context: Tensor | undefined) => {
    const out = net(u, context);
    if (!(out instanceof tf.Tensor) || out.shape[out.rank - 1] !== 2 * d) fail(name, 'the network output', `a tensor of shape [..., ${2 * d}] (shift and raw log-scale)`, out);
    const [shift, raw] = tf.split(out, 2, -1) as [Tensor, Tensor];
    return { shift, s: bound(raw) };
  };
  const check = (name: string, arg: string, v: Tensor, context: Tensor | undefined) => {
    checkEventInput(name, arg, v, 1, d);
    checkContext(name, context, contextSize);
  };
  /** One pass: v = u ⊙ exp(s(u)) + μ(u) (IAF forward) or its reverse u = (v − μ(v)) ⊙ exp(−s(v)) (MAF inverse). */
  const onePass = (name: string, arg: string, u: Tensor, context: Tensor | undefined, dir: 1 | -1): [Tensor, Tensor] => {
    check(name, arg, u, context);
    return tf.tidy(name, () => {
      const $u = toFloat(name, arg, u);
      const { shift, s } = params(name, $u, context);
      if (dir === 1) return [tf.add(tf.mul($u, tf.exp(s)), shift), tf.sum(s, -1)];
      return [tf.mul(tf.sub($u, shift), tf.exp(tf.neg(s))), tf.neg(tf.sum(s, -1))];
    });
  };
  /**
   * D passes solving the autoregressive recursion: each pass fixes one more coordinate (in the network's
   * order), since the parameters of coordinate i depend only on coordinates before i.
   *   dir = 1:  v_i = u_i ⊙ exp(s_i(v_<i)) + μ_i(v_<i)          (MAF forward: sampling)
   *   dir = −1: u_i = (v_i − μ_i(u_<i)) ⊙ exp(−s_i(u_<i))       (IAF inverse: density)
   */
  const dPasses = (name: string, arg: string, w: Tensor, context: Tensor | undefined, dir: 1 | -1): [Tensor, Tensor] => {
    check(name, arg, w, context);
    return tf.tidy(name, () => {
      const $w = toFloat(name, arg, w);
      let out: Tensor = tf.zerosLike($w);
      let s: Tensor = tf.zerosLike($w);
      for (let i = 0; i < d; i++) {
        const p = params(name, out, context);
        s = p.s;
        out = dir === 1 ? tf.add(tf.mul($w, tf.exp(p.s)), p.shift) : tf.mul(tf.sub($w, p.shift), tf.exp(tf.neg(p.s)));
      }
      // the last pass's parameters were computed from coordinates that were already exact
      return [out, dir === 1 ? tf.sum(s, -1) : tf.neg(tf.sum(s, -1))];
    });
  };
  return {
    onePass,
    dPasses,
    ownership: networkOwnership(fn, net, []),
  };
}

/**
 * Masked autoregressive flow (MAF), forward = sampling direction z → x:
 *
 *   x_i = z_i·exp(s_i(x_<i)) + μ_i(x_<i),           log|det ∂x/∂z| = Σ_i s_i(x_<i)
 *   z_i = (x_i − μ_i(x_<i))·exp(−s_i(x_<i)),        log|det ∂z/∂x| = −Σ_i s_i
 *
 * with (μ, s) = (shift, bound(raw)) from one pass of the autoregressive network on x.
 * **The density direction (`inverse`, hence `logProb`) takes one network pass; sampling (`forward`)
 * takes D sequential passes.** Use it for density estimation; `invert` it (or use
 * {@link inverseAutoregressive}) when sampling must be fast. Event rank 1, `[..., D]`.
 *
 * State (`getState()` / `loadState()`): the network's, under `net/…` (`net/0/kernel`, `net/0/bias`, … for a
 * {@link made}; its masks and order are fixed by the options, not state).
 *
 * @param options `{ network, features, logScaleBound, contextSize }`
 * @see Papamakarios et al. 2017, arXiv:1705.07057, §3.1 · Germain et al. 2015 (MADE)
 * @example
 * ```ts
 * const maf = maskedAutoregressive({ network: made({ features: 2, hidden: [32], seed: 1 }) });
 * const { x, logDet } = maf.inverse(tf.randomNormal([16, 2]));   // one pass: x = y at initialization
 * maf.dispose();
 * ```
 * @since 0.1.0
 */
export function maskedAutoregressive(options: MaskedAutoregressiveOptions): TrainableBijector {
  const core = setup('maskedAutoregressive', options);
  return {
    eventRank: 1,
    forward(x: Tensor, context?: Tensor) {
      const [y, logDet] = core.dPasses('maskedAutoregressive.forward', 'x', x, context, 1);
      return { y, logDet };
    },
    inverse(y: Tensor, context?: Tensor) {
      const [x, logDet] = core.onePass('maskedAutoregressive.inverse', 'y', y, context, -1);
      return { x, logDet };
    },
    ...core.ownership,
  };
}

/**
 * Inverse autoregressive flow (IAF), forward = sampling direction z → x:
 *
 *   x = z ⊙ exp(s(z)) + μ(z),                       log|det ∂x/∂z| = Σ_i s_i(z_<i)
 *   z_i = (x_i − μ_i(z_<i))·exp(−s_i(z_<i)),        log|det ∂z/∂x| = −Σ_i s_i
 *
 * with (μ, s) from the autoregressive network on z. **Sampling (`forward`, and
 * `TransformedDistribution.sampleAndLogProb`) takes one network pass; the density of an arbitrary
 * point (`inverse`, `logProb`) takes D passes.** The flexible posterior of a VAE: it samples and scores
 * its own samples in one pass. Event rank 1, `[..., D]`.
 *
 * State (`getState()` / `loadState()`): the network's, under `net/…`, as {@link maskedAutoregressive}.
 *
 * @param options `{ network, features, logScaleBound, contextSize }`
 * @see Kingma et al. 2016, arXiv:1606.04934, §4
 * @example
 * ```ts
 * const iaf = inverseAutoregressive({ network: made({ features: 2, hidden: [32], seed: 1 }) });
 * const { y, logDet } = iaf.forward(tf.randomNormal([16, 2]));   // one pass
 * iaf.dispose();
 * ```
 * @since 0.1.0
 */
export function inverseAutoregressive(options: MaskedAutoregressiveOptions): TrainableBijector {
  const core = setup('inverseAutoregressive', options);
  return {
    eventRank: 1,
    forward(x: Tensor, context?: Tensor) {
      const [y, logDet] = core.onePass('inverseAutoregressive.forward', 'x', x, context, 1);
      return { y, logDet };
    },
    inverse(y: Tensor, context?: Tensor) {
      const [x, logDet] = core.dPasses('inverseAutoregressive.inverse', 'y', y, context, -1);
      return { x, logDet };
    },
    ...core.ownership,
  };
}
